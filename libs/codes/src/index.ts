export * from './code-item.entity';
export * from './code-item.model';
export * from './code-item.module';
export * from './code-item.service';
export * from './code-item.loader';
export * from './default-codes';
