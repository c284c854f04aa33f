import { ERROR_CODES, type ErrorCode } from './codes.js';

/**
 * The error type every part of the SDK throws or reports.
 *
 * `code` is stable and documented; `message` is for people and may change between
 * releases. Branch on `code`, never on `message`.
 */
export class BbError extends Error {
  override readonly name = 'BbError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_CODES[code], options);
    this.code = code;
  }
}

/** True for a `BbError`, optionally with the given code. */
export function isBbError(value: unknown, code?: ErrorCode): value is BbError {
  return value instanceof BbError && (code === undefined || value.code === code);
}
