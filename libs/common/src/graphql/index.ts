export * from './pagination';
export * from './decimal.scalar';
export * from './limits';
export * from './body-errors';
export * from './input-guard';
