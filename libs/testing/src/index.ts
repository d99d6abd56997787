// Databases, Redis prefixes and the run's environment only: composing apps/ is test/support's job,
// so no lib depends on an app.
export * from './test-env';
export * from './test-database';
export { deleteKeys } from './global-teardown';
