import { pino, type Logger } from 'pino';
import type { SignalConfig } from './config/options.js';

export type { Logger } from 'pino';

/**
 * Field names that may hold a secret or personal data. Callers never pass these (they
 * log ids, states and codes only); redaction is the second line of defence should a
 * later change pass one by mistake.
 */
const REDACTED_FIELDS = [
  'ticket',
  'token',
  'proof',
  'proofHash',
  'apiKey',
  'apiKeys',
  'ticketSecret',
  'turnSecret',
  'username',
  'credential',
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'tokenHash',
  'email',
  'cookie',
  'authorization',
  'url',
  'ip',
  'remoteAddress',
  'address',
  'origin',
  'headers',
];

const REDACT_PATHS = [...REDACTED_FIELDS, ...REDACTED_FIELDS.map((field) => `*.${field}`)];

/** The subsystems that log, one child logger each. */
export type LoggerName =
  | 'signal:server'
  | 'signal:http'
  | 'signal:rooms'
  | 'signal:tickets'
  | 'signal:turn'
  | 'signal:socket'
  | 'signal:accounts';

export interface SignalLoggers {
  readonly root: Logger;
  named(name: LoggerName): Logger;
}

export function createLoggers(config: SignalConfig): SignalLoggers {
  const options = {
    level: config.logLevel,
    // No pid or hostname: nothing about the machine in every line.
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  const root = config.logDestination
    ? pino(options, { write: (line: string) => config.logDestination?.write(line) })
    : pino(options);
  return { root, named: (name) => root.child({ name }) };
}
