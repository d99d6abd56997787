export * from './pagination';
export * from './decimal.scalar';
export * from './limits';
export * from './body-errors';
export * from './input-guard';
export * from './settled-loader';
export * from './selection';
