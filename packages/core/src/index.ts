export * from './errors/index.js';
export * from './links/index.js';
export * from './protocol/index.js';
export * from './log/index.js';
