import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost parameters (RFC 7914 section 2). */
export interface ScryptParameters {
  /** CPU and memory cost; a power of two. */
  readonly N: number;
  /** Block size. */
  readonly r: number;
  /** Parallelism. */
  readonly p: number;
}

/** OWASP Password Storage Cheat Sheet: N=2^17, r=8, p=1 (128 MiB per hash). */
export const DEFAULT_SCRYPT: ScryptParameters = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const PREFIX = 'scrypt';

/** Hashes passwords and checks them; injected so tests can observe every call. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a stored value that cannot be parsed. */
  verify(password: string, stored: string): Promise<boolean>;
  /** True when `stored` was made with weaker parameters than this hasher uses now. */
  needsRehash(stored: string): boolean;
}

export interface ParsedHash {
  readonly parameters: ScryptParameters;
  readonly salt: Buffer;
  readonly key: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** Reads `scrypt$N$r$p$salt$key` (salt and key base64url) back; undefined when malformed. */
export function parseScryptHash(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) {
    return undefined;
  }
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,10}$/.test(part) ? Number(part) : NaN));
  const [salt, key] = parts.slice(4);
  if (
    N === undefined ||
    r === undefined ||
    p === undefined ||
    !Number.isSafeInteger(N) ||
    N < 2 ||
    (N & (N - 1)) !== 0 ||
    !(r >= 1) ||
    !(p >= 1) ||
    salt === undefined ||
    key === undefined ||
    !B64URL.test(salt) ||
    !B64URL.test(key)
  ) {
    return undefined;
  }
  return {
    parameters: { N, r, p },
    salt: Buffer.from(salt, 'base64url'),
    key: Buffer.from(key, 'base64url'),
  };
}

export function formatScryptHash(parameters: ScryptParameters, salt: Buffer, key: Buffer): string {
  const { N, r, p } = parameters;
  return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * NIST SP 800-63B rev 4 section 3.1.1.2: Unicode passwords are normalised before hashing
 * so the same characters typed on another keyboard give the same hash.
 */
function passwordBytes(password: string): Buffer {
  return Buffer.from(password.normalize('NFKC'), 'utf8');
}

/** node:crypto's asynchronous scrypt runs on the libuv thread pool, off the event loop. */
function deriveKey(
  password: string,
  salt: Buffer,
  parameters: ScryptParameters,
  length: number,
): Promise<Buffer> {
  const { N, r, p } = parameters;
  // scrypt needs 128 * N * r bytes (RFC 7914 section 2); Node refuses above maxmem.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(passwordBytes(password), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export class ScryptHasher implements PasswordHasher {
  private readonly parameters: ScryptParameters;

  constructor(parameters: ScryptParameters = DEFAULT_SCRYPT) {
    this.parameters = Object.freeze({ ...parameters });
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await deriveKey(password, salt, this.parameters, KEY_BYTES);
    return formatScryptHash(this.parameters, salt, key);
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parseScryptHash(stored);
    if (parsed === undefined || parsed.key.length === 0) {
      return false;
    }
    const key = await deriveKey(password, parsed.salt, parsed.parameters, parsed.key.length);
    return timingSafeEqual(key, parsed.key);
  }

  needsRehash(stored: string): boolean {
    const parsed = parseScryptHash(stored);
    if (parsed === undefined) {
      return true;
    }
    const { N, r, p } = parsed.parameters;
    return N < this.parameters.N || r < this.parameters.r || p < this.parameters.p;
  }
}
