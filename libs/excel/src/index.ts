export * from './excel.module';
export * from './lead-columns';
export * from './lead-import.service';
export * from './cli-import';
