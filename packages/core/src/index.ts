export * from './errors/index.js';
export * from './links/index.js';
export * from './protocol/index.js';
export * from './log/index.js';
export * from './call/index.js';
export * from './media/index.js';
