export * from './ids.js';
export * from './http.js';
export * from './signalling.js';
