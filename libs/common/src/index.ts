export * from './auth';
export * from './errors';
export * from './graphql';
export * from './logging';
export * from './validation';
export * from './i18n';
