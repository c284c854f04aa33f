import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BbError, ERROR_CODES, isBbError, isErrorCode } from '../src/errors/index.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

describe('error registry', () => {
  it('every code is documented in docs/errors.md, and nothing else is', () => {
    const documented = new Set(docs.match(/BB_ERR_[A-Z0-9_]+/g));
    const registered = new Set(Object.keys(ERROR_CODES));
    expect([...registered].filter((code) => !documented.has(code))).toEqual([]);
    expect([...documented].filter((code) => !registered.has(code))).toEqual([]);
  });

  it('codes follow the naming rule and have a message', () => {
    for (const [code, message] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^BB_ERR_[A-Z0-9]+(?:_[A-Z0-9]+)*$/);
      expect(message.length).toBeGreaterThan(10);
    }
  });

  it('BbError carries its code, a default message and the cause', () => {
    const cause = new Error('socket closed');
    const error = new BbError('BB_ERR_SIGNAL_UNREACHABLE', undefined, { cause });
    expect(error.code).toBe('BB_ERR_SIGNAL_UNREACHABLE');
    expect(error.message).toBe(ERROR_CODES.BB_ERR_SIGNAL_UNREACHABLE);
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
    expect(isBbError(error, 'BB_ERR_SIGNAL_UNREACHABLE')).toBe(true);
    expect(isBbError(error, 'BB_ERR_INTERNAL')).toBe(false);
    expect(isErrorCode('BB_ERR_SIGNAL_UNREACHABLE')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
