export * from './actor';
export * from './auth.decorators';
export * from './gql-context';
export * from './gql-auth.guard';
