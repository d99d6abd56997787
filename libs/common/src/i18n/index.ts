export * from './messages';
export * from './catalog';
