export * from './error-code';
export * from './domain.exception';
export * from './graphql-error.mapper';
export * from './pg-error';
