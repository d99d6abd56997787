export * from './targets.module';
export * from './targets.service';
export * from './unit-target.model';
export * from './signed-not-landed';
