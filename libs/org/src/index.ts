export * from './org-unit.entity';
export * from './org-unit.model';
export * from './org-unit.module';
export * from './org-unit.service';
export * from './org-unit.loader';
export * from './org-unit.repository';
export * from './xian-seed';
