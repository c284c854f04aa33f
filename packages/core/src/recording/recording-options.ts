import * as z from 'zod/mini';
import { BbError } from '../errors/index.js';
import type { RecordingStore } from './store.js';

/**
 * How the recording looks: the client's video left and the host's right, the client's
 * video filling the frame with the host's small in a corner, or sound only.
 */
export type RecordingLayout = 'side-by-side' | 'picture-in-picture' | 'audio-only';

/** What `call.recording.request(options)` accepts. Every member is optional. */
export interface RecordingOptions {
  /** [options.layout='side-by-side'] */
  readonly layout?: RecordingLayout;
  /** Target video bitrate, 100 kbit/s to 20 Mbit/s. [options.videoBitsPerSecond=1_500_000] */
  readonly videoBitsPerSecond?: number;
  /** Target audio bitrate, 32 to 510 kbit/s (Opus). [options.audioBitsPerSecond=128_000] */
  readonly audioBitsPerSecond?: number;
  /** Frames composed per second, 1 to 60. [options.frameRate=25] */
  readonly frameRate?: number;
  /**
   * Size of the composed frame in pixels, 160x120 to 3840x2160. Default 1280x480 side by
   * side (two 640x480 tiles), 1280x720 picture in picture. [options.width] [options.height]
   */
  readonly width?: number;
  readonly height?: number;
  /**
   * A `MediaRecorder` type to use instead of the first supported of
   * `video/webm;codecs=vp8,opus`, `video/webm`, `video/mp4` (audio: `audio/webm;codecs=opus`,
   * `audio/webm`, `audio/mp4`). [options.mimeType]
   */
  readonly mimeType?: string;
  /**
   * How long the session may run, to check before asking that the browser has room for
   * it (at the bitrates above). [options.expectedMinutes=60]
   */
  readonly expectedMinutes?: number;
  /** Where chunks go; `RecordingStore.open()` by default. [options.store] */
  readonly store?: RecordingStore;
}

export interface ResolvedRecordingOptions {
  readonly layout: RecordingLayout;
  readonly videoBitsPerSecond: number;
  readonly audioBitsPerSecond: number;
  readonly frameRate: number;
  readonly width: number;
  readonly height: number;
  readonly mimeType: string | undefined;
  readonly expectedMinutes: number;
  readonly store: RecordingStore | undefined;
}

const isStore = (value: unknown): value is RecordingStore =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { begin?: unknown }).begin === 'function' &&
  typeof (value as { prepare?: unknown }).prepare === 'function';

const integer = (min: number, max: number) =>
  z.optional(z.number().check(z.int(), z.gte(min), z.lte(max)));

const RecordingOptionsSchema = z.strictObject({
  layout: z.optional(z.enum(['side-by-side', 'picture-in-picture', 'audio-only'])),
  videoBitsPerSecond: integer(100_000, 20_000_000),
  audioBitsPerSecond: integer(32_000, 510_000),
  frameRate: integer(1, 60),
  width: integer(160, 3840),
  height: integer(120, 2160),
  mimeType: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  expectedMinutes: integer(1, 24 * 60),
  store: z.optional(z.custom<RecordingStore>(isStore)),
});

function issueToError(issue: z.core.$ZodIssue): Error {
  const field = ['options', ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `options.${key}`).join(', ');
    return new BbError('BB_ERR_INVALID_ARGUMENT', `recording.request: unknown option ${keys}`);
  }
  if (issue.code === 'too_small' || issue.code === 'too_big' || issue.code === 'invalid_value') {
    return new RangeError(`recording.request: ${field} is out of range (${issue.message})`);
  }
  return new TypeError(`recording.request: ${field} has the wrong type (${issue.message})`);
}

/** Validates `options` once and fills in the defaults; throws TypeError or RangeError. */
export function resolveRecordingOptions(options: unknown = {}): ResolvedRecordingOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError('recording.request: options must be an object');
  }
  const parsed = RecordingOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw issueToError(parsed.error.issues[0] as z.core.$ZodIssue);
  }
  const given = parsed.data;
  const layout = given.layout ?? 'side-by-side';
  return Object.freeze({
    layout,
    videoBitsPerSecond: given.videoBitsPerSecond ?? 1_500_000,
    audioBitsPerSecond: given.audioBitsPerSecond ?? 128_000,
    frameRate: given.frameRate ?? 25,
    width: given.width ?? 1280,
    height: given.height ?? (layout === 'picture-in-picture' ? 720 : 480),
    mimeType: given.mimeType,
    expectedMinutes: given.expectedMinutes ?? 60,
    store: given.store,
  });
}
