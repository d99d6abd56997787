export * from './data-source-options';
export * from './database.module';
export * from './migrations';
export * from './transactional-data-source';
export * from './data-dir-lock';
