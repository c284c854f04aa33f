// Registers `<bb-session>` (a side effect) and re-exports the widget and core's public
// API, so a page using the no-build bundle gets `SessionCall`, `SessionLink` and the
// error codes from the same file as the element.
import './bb-session/bb-session.define.js';

export * from './index.js';
export * from '@bilateral-base/core';
