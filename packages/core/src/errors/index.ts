export { ERROR_CODES, isErrorCode, type ErrorCode } from './codes.js';
export { BbError, isBbError } from './bb-error.js';
