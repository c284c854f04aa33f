import { BbError } from '../errors/index.js';

/** The public k-anonymity range API of Have I Been Pwned (Pwned Passwords v3). */
export const DEFAULT_BREACH_ENDPOINT = 'https://api.pwnedpasswords.com/range/';
export const DEFAULT_BREACH_TIMEOUT_MS = 3000;
/** Only this many hex characters of the SHA-1 ever leave the machine. */
export const BREACH_PREFIX_LENGTH = 5;
/** A range answer is about 35 KB with padding; anything far larger is not a range answer. */
const MAX_RESPONSE_CHARS = 1_000_000;
const SUFFIX_LINE = /^([0-9A-F]{35}):(\d+)$/;

export type BreachUnavailablePolicy = 'allow' | 'refuse';

export interface BreachCheckOptions {
  /** Off unless set to true: the check sends part of a hash to a third party. */
  readonly enabled?: boolean | undefined;
  /** Range API base URL; the 5-character prefix is appended. Default: Have I Been Pwned. */
  readonly endpoint?: string | undefined;
  /** How long to wait for the answer. Default 3000. */
  readonly timeoutMs?: number | undefined;
  /**
   * What `refuseBreachedPassword` does when the service cannot be asked: `'allow'` (the
   * default) accepts the password, `'refuse'` throws `BB_ERR_BREACH_CHECK_UNAVAILABLE`.
   */
  readonly onUnavailable?: BreachUnavailablePolicy | undefined;
}

export type BreachStatus = 'off' | 'clean' | 'breached' | 'unavailable';

/** Always the same shape, whatever happened. */
export interface BreachCheckResult {
  readonly status: BreachStatus;
  /** How often the password was seen in breaches; 0 unless `status` is `'breached'`. */
  readonly count: number;
}

interface ResolvedOptions {
  readonly enabled: boolean;
  readonly endpoint: URL;
  readonly timeoutMs: number;
  readonly onUnavailable: BreachUnavailablePolicy;
}

function resolveOptions(options: BreachCheckOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('options must be an object');
  }
  const { enabled = false, timeoutMs = DEFAULT_BREACH_TIMEOUT_MS } = options;
  const { endpoint = DEFAULT_BREACH_ENDPOINT, onUnavailable = 'allow' } = options;
  if (typeof enabled !== 'boolean') {
    throw new TypeError('options.enabled must be a boolean');
  }
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs)) {
    throw new TypeError('options.timeoutMs must be an integer');
  }
  if (timeoutMs < 100 || timeoutMs > 60_000) {
    throw new RangeError('options.timeoutMs must be from 100 to 60000');
  }
  if (onUnavailable !== 'allow' && onUnavailable !== 'refuse') {
    throw new TypeError('options.onUnavailable must be "allow" or "refuse"');
  }
  if (typeof endpoint !== 'string') {
    throw new TypeError('options.endpoint must be a string');
  }
  let url: URL;
  try {
    url = new URL(endpoint.endsWith('/') ? endpoint : `${endpoint}/`);
  } catch (cause) {
    throw new BbError('BB_ERR_INVALID_ARGUMENT', 'options.endpoint is not an absolute URL', {
      cause,
    });
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new BbError(
      'BB_ERR_INVALID_ARGUMENT',
      'options.endpoint must be an http(s) URL without query or fragment',
    );
  }
  return { enabled, endpoint: url, timeoutMs, onUnavailable };
}

/** Validates breach-check options without checking anything; throws as the checks would. */
export function validateBreachCheckOptions(options: BreachCheckOptions): void {
  resolveOptions(options);
}

async function sha1Hex(password: string): Promise<string> {
  const bytes = new TextEncoder().encode(password);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-1', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0'))
    .join('')
    .toUpperCase();
}

/**
 * The count for `suffix` in a range answer. Padding lines (count 0, sent because of
 * `Add-Padding: true`) never match a real password, so they count as absent.
 * Returns undefined when the body is not a range answer at all.
 */
function countInRange(body: string, suffix: string): number | undefined {
  let count = 0;
  for (const rawLine of body.split('\n')) {
    const line = rawLine.trim();
    if (line === '') {
      continue;
    }
    const match = SUFFIX_LINE.exec(line.toUpperCase());
    if (match === null) {
      return undefined;
    }
    if (match[1] === suffix) {
      count = Number(match[2]);
    }
  }
  return count;
}

/**
 * Asks a Pwned Passwords range API whether `password` is in a known breach.
 *
 * Only the first 5 hex characters of the password's SHA-1 are sent (k-anonymity: the
 * answer lists every suffix under that prefix, and the match is made here). The
 * `Add-Padding: true` header makes every answer about the same size, so its length does
 * not hint at the prefix. Never throws for a network or service failure: the result
 * says `'unavailable'` instead. With `enabled` false nothing is sent and the result
 * says `'off'`.
 */
export async function checkPasswordBreach(
  password: string,
  options: BreachCheckOptions = {},
): Promise<BreachCheckResult> {
  if (typeof password !== 'string') {
    throw new TypeError('password must be a string');
  }
  const resolved = resolveOptions(options);
  if (!resolved.enabled) {
    return { status: 'off', count: 0 };
  }
  const hash = await sha1Hex(password);
  const prefix = hash.slice(0, BREACH_PREFIX_LENGTH);
  const suffix = hash.slice(BREACH_PREFIX_LENGTH);
  let body: string;
  try {
    const response = await fetch(new URL(prefix, resolved.endpoint), {
      headers: { 'Add-Padding': 'true' },
      signal: AbortSignal.timeout(resolved.timeoutMs),
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
    if (!response.ok) {
      return { status: 'unavailable', count: 0 };
    }
    body = await response.text();
  } catch {
    return { status: 'unavailable', count: 0 };
  }
  const count = body.length > MAX_RESPONSE_CHARS ? undefined : countInRange(body, suffix);
  if (count === undefined) {
    return { status: 'unavailable', count: 0 };
  }
  return count > 0 ? { status: 'breached', count } : { status: 'clean', count: 0 };
}

/**
 * Throws `BB_ERR_PASSWORD_BREACHED` when `password` is in a known breach, and
 * `BB_ERR_BREACH_CHECK_UNAVAILABLE` when the service cannot be asked and
 * `onUnavailable` is `'refuse'`. Resolves to the check's result otherwise.
 */
export async function refuseBreachedPassword(
  password: string,
  options: BreachCheckOptions = {},
): Promise<BreachCheckResult> {
  const result = await checkPasswordBreach(password, options);
  if (result.status === 'breached') {
    throw new BbError(
      'BB_ERR_PASSWORD_BREACHED',
      'This password appears in a known data breach; choose another one',
    );
  }
  if (result.status === 'unavailable' && options.onUnavailable === 'refuse') {
    throw new BbError(
      'BB_ERR_BREACH_CHECK_UNAVAILABLE',
      'The breached-password check could not be made; try again later',
    );
  }
  return result;
}
