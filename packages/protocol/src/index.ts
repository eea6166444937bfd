export * from './errors';
export * from './common';
export * from './identity';
export * from './keys';
export * from './audit';
