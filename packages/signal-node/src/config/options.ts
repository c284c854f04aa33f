import { BbError } from '@bilateral-base/core/errors';
import { validateBreachCheckOptions } from '@bilateral-base/core/password';
import { IceUrlSchema, isTurnUrl } from '@bilateral-base/core/protocol';
import * as z from 'zod/mini';
import { OPTION_SPECS } from './option-specs.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Where log lines go: anything with `write(line)`, such as a stream or a test buffer. */
export interface LogDestination {
  write(line: string): unknown;
}

/**
 * Options of `createSignalServer`. Every field is optional; see OPTION_SPECS and the
 * README for defaults and meaning.
 */
export interface SignalServerOptions {
  host?: string | undefined;
  port?: number | undefined;
  path?: string | undefined;
  peerKey?: string | undefined;
  databasePath?: string | undefined;
  apiKeys?: readonly string[] | undefined;
  allowedOrigins?: readonly string[] | undefined;
  ticketSecret?: string | undefined;
  ticketTtlSeconds?: number | undefined;
  sessionMaxSeconds?: number | undefined;
  turnUrls?: readonly string[] | undefined;
  turnSecret?: string | undefined;
  turnCredentialTtlSeconds?: number | undefined;
  maxFrameBytes?: number | undefined;
  maxBodyBytes?: number | undefined;
  messagesPerSecond?: number | undefined;
  messageBurst?: number | undefined;
  connectionsPerAddress?: number | undefined;
  requestsPerMinute?: number | undefined;
  heartbeatTimeoutMs?: number | undefined;
  expireTimeoutMs?: number | undefined;
  maxBufferedBytes?: number | undefined;
  drainTimeoutMs?: number | undefined;
  passwordHashCost?: number | undefined;
  loginIdleSeconds?: number | undefined;
  loginMaxSeconds?: number | undefined;
  breachCheckEndpoint?: string | undefined;
  breachCheckOnUnavailable?: 'allow' | 'refuse' | undefined;
  logLevel?: LogLevelName | undefined;
  /** Log lines (one JSON object each) go here instead of standard output. */
  logDestination?: LogDestination | undefined;
  /** Wall clock in Unix milliseconds; tests pass a fake one to age tickets. */
  now?: (() => number) | undefined;
}

/** The validated, frozen configuration every part of the server reads from. */
export interface SignalConfig {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly peerKey: string;
  readonly databasePath: string;
  readonly apiKeys: readonly string[];
  readonly allowedOrigins: readonly string[];
  /** Absent when the operator gave none; the server then makes a random one. */
  readonly ticketSecret: string | undefined;
  readonly ticketTtlSeconds: number;
  readonly sessionMaxSeconds: number;
  /** STUN and TURN URLs for browsers; empty: none, never a public default. */
  readonly turnUrls: readonly string[];
  /** coturn's `static-auth-secret`; set whenever `turnUrls` holds a TURN URL. */
  readonly turnSecret: string | undefined;
  readonly turnCredentialTtlSeconds: number;
  readonly maxFrameBytes: number;
  readonly maxBodyBytes: number;
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  readonly connectionsPerAddress: number;
  readonly requestsPerMinute: number;
  readonly heartbeatTimeoutMs: number;
  readonly expireTimeoutMs: number;
  /** Bytes waiting to be sent to one socket beyond which it is closed as too slow. */
  readonly maxBufferedBytes: number;
  /** How long `close()` lets requests in flight finish before it cuts them. */
  readonly drainTimeoutMs: number;
  /** log2 of scrypt's N for therapist passwords. */
  readonly passwordHashCost: number;
  readonly loginIdleSeconds: number;
  readonly loginMaxSeconds: number;
  /** Pwned Passwords range API; absent: no breach check (the default). */
  readonly breachCheckEndpoint: string | undefined;
  readonly breachCheckOnUnavailable: 'allow' | 'refuse';
  readonly logLevel: LogLevelName;
  readonly logDestination: LogDestination | undefined;
  readonly now: () => number;
}

export interface ConfigIssue {
  /** The option name, with an index for list entries: `apiKeys[1]`. */
  readonly path: string;
  readonly message: string;
}

/** `BB_ERR_CONFIG_INVALID` with one issue per bad value. */
export class SignalConfigError extends BbError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  ${issue.path}: ${issue.message}`);
    super('BB_ERR_CONFIG_INVALID', `Invalid bb-signal configuration:\n${lines.join('\n')}`);
    this.issues = Object.freeze([...issues]);
  }
}

const DEFAULTS = {
  host: '127.0.0.1',
  port: 9000,
  path: '/',
  peerKey: 'peerjs',
  databasePath: './bb-signal.db',
  apiKeys: [],
  allowedOrigins: [],
  ticketTtlSeconds: 60,
  sessionMaxSeconds: 6 * 60 * 60,
  turnUrls: [],
  turnCredentialTtlSeconds: 600,
  maxFrameBytes: 64 * 1024,
  maxBodyBytes: 16 * 1024,
  messagesPerSecond: 50,
  messageBurst: 200,
  connectionsPerAddress: 20,
  requestsPerMinute: 120,
  heartbeatTimeoutMs: 60_000,
  expireTimeoutMs: 5_000,
  maxBufferedBytes: 1024 * 1024,
  drainTimeoutMs: 10_000,
  passwordHashCost: 17,
  loginIdleSeconds: 60 * 60,
  loginMaxSeconds: 12 * 60 * 60,
  breachCheckOnUnavailable: 'allow',
  logLevel: 'info',
} as const;

function isExactOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

function isTicketSecret(value: string): boolean {
  return /^[A-Za-z0-9_-]+$/.test(value) && Buffer.from(value, 'base64url').length >= 32;
}

function isBreachEndpoint(value: string): boolean {
  try {
    validateBreachCheckOptions({ enabled: true, endpoint: value });
    return true;
  } catch {
    return false;
  }
}

const integer = (min: number, max: number) =>
  z.optional(z.number().check(z.int(), z.gte(min), z.lte(max)));

/** What each option must be, in words; used for every issue on that option. */
const REQUIREMENTS: Readonly<Record<string, string>> = {
  host: 'must be a non-empty host name or IP address',
  port: 'must be an integer from 0 to 65535',
  path: 'must start and end with "/" and hold only letters, digits and "/_.~-"',
  peerKey: 'must be 1 to 64 letters, digits, "_" or "-"',
  databasePath: 'must be a non-empty file path or ":memory:"',
  apiKeys: 'must be a list of API keys, each 32 to 512 visible ASCII characters',
  allowedOrigins: 'must be a list of exact origins such as "https://practice.example"',
  ticketSecret: 'must be base64url encoding at least 32 bytes',
  ticketTtlSeconds: 'must be an integer from 1 to 3600',
  sessionMaxSeconds: 'must be an integer from 60 to 604800, and at least ticketTtlSeconds',
  turnUrls:
    'must be a list of up to 16 URLs such as "turns:turn.example:443?transport=tcp" ' +
    '(RFC 7064/7065: stun:, stuns:, turn: or turns:)',
  turnSecret:
    'must be 32 to 512 visible ASCII characters, and is required when turnUrls has a ' +
    'turn: or turns: URL',
  turnCredentialTtlSeconds: 'must be an integer from 60 to 86400',
  maxFrameBytes: 'must be an integer from 1024 to 16777216',
  maxBodyBytes: 'must be an integer from 256 to 1048576',
  messagesPerSecond: 'must be an integer from 1 to 10000',
  messageBurst: 'must be an integer from 1 to 100000',
  connectionsPerAddress: 'must be an integer from 1 to 100000',
  requestsPerMinute: 'must be an integer from 1 to 1000000',
  heartbeatTimeoutMs: 'must be an integer from 100 to 3600000',
  expireTimeoutMs: 'must be an integer from 10 to 600000',
  maxBufferedBytes: 'must be an integer from 1024 to 268435456',
  drainTimeoutMs: 'must be an integer from 0 to 600000',
  passwordHashCost: 'must be an integer from 10 to 20',
  loginIdleSeconds: 'must be an integer from 60 to 604800, and at most loginMaxSeconds',
  loginMaxSeconds: 'must be an integer from 60 to 2592000',
  breachCheckEndpoint: 'must be an http(s) URL without query or fragment',
  breachCheckOnUnavailable: 'must be "allow" or "refuse"',
  logLevel: `must be one of ${LOG_LEVELS.join(', ')}`,
  logDestination: 'must be an object with a write(line) method',
  now: 'must be a function returning Unix milliseconds',
};

const OptionsSchema = z.strictObject({
  host: z.optional(z.string().check(z.minLength(1), z.maxLength(253))),
  port: integer(0, 65_535),
  path: z.optional(z.string().check(z.maxLength(200), z.regex(/^\/(?:[A-Za-z0-9_.~-]+\/)*$/))),
  peerKey: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/))),
  databasePath: z.optional(z.string().check(z.minLength(1))),
  apiKeys: z.optional(
    z.array(z.string().check(z.regex(/^[\x21-\x7e]{32,512}$/))).check(z.maxLength(100)),
  ),
  allowedOrigins: z.optional(
    z.array(z.string().check(z.refine(isExactOrigin))).check(z.maxLength(100)),
  ),
  ticketSecret: z.optional(z.string().check(z.maxLength(1024), z.refine(isTicketSecret))),
  ticketTtlSeconds: integer(1, 3600),
  sessionMaxSeconds: integer(60, 7 * 24 * 60 * 60),
  turnUrls: z.optional(z.array(IceUrlSchema).check(z.maxLength(16))),
  turnSecret: z.optional(z.string().check(z.regex(/^[\x21-\x7e]{32,512}$/))),
  turnCredentialTtlSeconds: integer(60, 24 * 60 * 60),
  maxFrameBytes: integer(1024, 16 * 1024 * 1024),
  maxBodyBytes: integer(256, 1024 * 1024),
  messagesPerSecond: integer(1, 10_000),
  messageBurst: integer(1, 100_000),
  connectionsPerAddress: integer(1, 100_000),
  requestsPerMinute: integer(1, 1_000_000),
  heartbeatTimeoutMs: integer(100, 3_600_000),
  expireTimeoutMs: integer(10, 600_000),
  maxBufferedBytes: integer(1024, 256 * 1024 * 1024),
  drainTimeoutMs: integer(0, 600_000),
  passwordHashCost: integer(10, 20),
  loginIdleSeconds: integer(60, 7 * 24 * 60 * 60),
  loginMaxSeconds: integer(60, 30 * 24 * 60 * 60),
  breachCheckEndpoint: z.optional(z.string().check(z.maxLength(2000), z.refine(isBreachEndpoint))),
  breachCheckOnUnavailable: z.optional(z.enum(['allow', 'refuse'])),
  logLevel: z.optional(z.enum(LOG_LEVELS)),
  logDestination: z.optional(
    z.custom<LogDestination>(
      (value) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as { write?: unknown }).write === 'function',
    ),
  ),
  now: z.optional(z.custom<() => number>((value) => typeof value === 'function')),
});

function issuePath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`,
    )
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue): ConfigIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: key,
      message: `is not a bb-signal option (known: ${OPTION_SPECS.map((s) => s.name).join(', ')})`,
    }));
  }
  const name = String(issue.path[0] ?? '');
  return [{ path: issuePath(issue.path), message: REQUIREMENTS[name] ?? issue.message }];
}

/**
 * Validates options once and returns them frozen with defaults filled in.
 * Throws `TypeError` when `options` is not an object, and `SignalConfigError`
 * (`BB_ERR_CONFIG_INVALID`) naming every bad value otherwise.
 */
export function parseSignalOptions(options: SignalServerOptions = {}): SignalConfig {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('createSignalServer: options must be an object');
  }
  const result = OptionsSchema.safeParse(options);
  if (!result.success) {
    throw new SignalConfigError(result.error.issues.flatMap(describeIssue));
  }
  const given = result.data;
  const ticketTtlSeconds = given.ticketTtlSeconds ?? DEFAULTS.ticketTtlSeconds;
  const sessionMaxSeconds = given.sessionMaxSeconds ?? DEFAULTS.sessionMaxSeconds;
  if (sessionMaxSeconds < ticketTtlSeconds) {
    throw new SignalConfigError([
      { path: 'sessionMaxSeconds', message: REQUIREMENTS['sessionMaxSeconds'] ?? '' },
    ]);
  }
  const loginIdleSeconds = given.loginIdleSeconds ?? DEFAULTS.loginIdleSeconds;
  const loginMaxSeconds = given.loginMaxSeconds ?? DEFAULTS.loginMaxSeconds;
  if (loginIdleSeconds > loginMaxSeconds) {
    throw new SignalConfigError([
      { path: 'loginIdleSeconds', message: REQUIREMENTS['loginIdleSeconds'] ?? '' },
    ]);
  }
  const turnUrls = given.turnUrls ?? DEFAULTS.turnUrls;
  if (turnUrls.some(isTurnUrl) && given.turnSecret === undefined) {
    throw new SignalConfigError([
      { path: 'turnSecret', message: REQUIREMENTS['turnSecret'] ?? '' },
    ]);
  }
  return Object.freeze({
    host: given.host ?? DEFAULTS.host,
    port: given.port ?? DEFAULTS.port,
    path: given.path ?? DEFAULTS.path,
    peerKey: given.peerKey ?? DEFAULTS.peerKey,
    databasePath: given.databasePath ?? DEFAULTS.databasePath,
    apiKeys: Object.freeze([...(given.apiKeys ?? DEFAULTS.apiKeys)]),
    allowedOrigins: Object.freeze([...(given.allowedOrigins ?? DEFAULTS.allowedOrigins)]),
    ticketSecret: given.ticketSecret,
    ticketTtlSeconds,
    sessionMaxSeconds,
    turnUrls: Object.freeze([...turnUrls]),
    turnSecret: given.turnSecret,
    turnCredentialTtlSeconds: given.turnCredentialTtlSeconds ?? DEFAULTS.turnCredentialTtlSeconds,
    maxFrameBytes: given.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
    maxBodyBytes: given.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    messagesPerSecond: given.messagesPerSecond ?? DEFAULTS.messagesPerSecond,
    messageBurst: given.messageBurst ?? DEFAULTS.messageBurst,
    connectionsPerAddress: given.connectionsPerAddress ?? DEFAULTS.connectionsPerAddress,
    requestsPerMinute: given.requestsPerMinute ?? DEFAULTS.requestsPerMinute,
    heartbeatTimeoutMs: given.heartbeatTimeoutMs ?? DEFAULTS.heartbeatTimeoutMs,
    expireTimeoutMs: given.expireTimeoutMs ?? DEFAULTS.expireTimeoutMs,
    maxBufferedBytes: given.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
    drainTimeoutMs: given.drainTimeoutMs ?? DEFAULTS.drainTimeoutMs,
    passwordHashCost: given.passwordHashCost ?? DEFAULTS.passwordHashCost,
    loginIdleSeconds,
    loginMaxSeconds,
    breachCheckEndpoint: given.breachCheckEndpoint,
    breachCheckOnUnavailable: given.breachCheckOnUnavailable ?? DEFAULTS.breachCheckOnUnavailable,
    logLevel: given.logLevel ?? DEFAULTS.logLevel,
    logDestination: given.logDestination,
    now: given.now ?? Date.now,
  });
}
