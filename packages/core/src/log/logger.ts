/**
 * A small structured logger: one named logger per subsystem (`core:call`,
 * `core:links`), levels, and a pluggable sink. The default sink drops everything, so a
 * library never writes to a host page's console unless the integrator asks it to.
 *
 * Never log keys, tickets, proofs, passwords, emails or media. Callers pass ids and
 * states only; `redact` is a second line of defence for field names that hold secrets.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogRecord {
  readonly level: LogLevel;
  readonly logger: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly time: number;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const SECRET_FIELD = /key|token|ticket|proof|password|secret|email|sdp|candidate/i;

let currentSink: LogSink = () => {};

/** Sends every core log record to `sink` (for example `consoleSink`). */
export function setLogSink(sink: LogSink): void {
  if (typeof sink !== 'function') {
    throw new TypeError('setLogSink: sink must be a function');
  }
  currentSink = sink;
}

/** A sink that writes to the browser console, for development. */
export const consoleSink: LogSink = (record) => {
  // eslint-disable-next-line no-console
  console[record.level](`[${record.logger}] ${record.message}`, record.fields);
};

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const safe: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    safe[name] = SECRET_FIELD.test(name) ? '[redacted]' : value;
  }
  return safe;
}

/** A logger named after its subsystem. */
export function createLogger(name: string): Logger {
  const emit = (level: LogLevel, message: string, fields: Record<string, unknown> = {}) => {
    currentSink({ level, logger: name, message, fields: redact(fields), time: Date.now() });
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
