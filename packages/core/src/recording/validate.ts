import { RECORDING_EVENT_TYPES, type RecordingEvent } from './types.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const MAX_REASON = 200;

/** Checks a recording id argument: ids are base64url strings that `begin()` made. */
export function checkRecordingId(id: unknown, parameter: string): asserts id is string {
  if (typeof id !== 'string') {
    throw new TypeError(`${parameter} must be a string`);
  }
  if (!ID_PATTERN.test(id)) {
    throw new RangeError(`${parameter} is not a recording id (16 to 64 base64url characters)`);
  }
}

/** Checks a recording event: a known type, a time, a role and an optional short reason. */
export function checkRecordingEvent(
  event: unknown,
  parameter: string,
): asserts event is RecordingEvent {
  if (typeof event !== 'object' || event === null) {
    throw new TypeError(`${parameter} must be an object`);
  }
  const { type, at, role, reason } = event as Record<string, unknown>;
  if (!(RECORDING_EVENT_TYPES as readonly unknown[]).includes(type)) {
    throw new TypeError(`${parameter}.type must be one of ${RECORDING_EVENT_TYPES.join(', ')}`);
  }
  if (typeof at !== 'number' || !Number.isFinite(at) || at < 0) {
    throw new TypeError(`${parameter}.at must be milliseconds since the epoch`);
  }
  if (role !== 'host' && role !== 'client') {
    throw new TypeError(`${parameter}.role must be 'host' or 'client'`);
  }
  if (reason !== undefined && typeof reason !== 'string') {
    throw new TypeError(`${parameter}.reason must be a string when given`);
  }
  if (typeof reason === 'string' && reason.length > MAX_REASON) {
    throw new RangeError(`${parameter}.reason must be at most ${MAX_REASON} characters`);
  }
}
