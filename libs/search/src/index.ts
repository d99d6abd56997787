export * from './search-engine';
export * from './search-text';
export * from './search.model';
export * from './search.service';
export * from './pg-search.repository';
export * from './search.module';
