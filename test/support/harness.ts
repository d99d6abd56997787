// Everything a test file needs to start the platform: the app harness here, databases and env from @zs/testing.
export * from '@zs/testing';
export * from './test-app';
export * from './fixtures';
export * from './cli';
