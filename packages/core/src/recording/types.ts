/** Who did something in a session: the therapist (host) or the client. */
export type RecordingRole = 'host' | 'client';

/** The kinds of moment a recording's metadata keeps. */
export const RECORDING_EVENT_TYPES = [
  'consent-requested',
  'consent-given',
  'consent-declined',
  'consent-withdrawn',
  'started',
  'stopped',
] as const;

/** One kind of moment kept in a recording's metadata. */
export type RecordingEventType = (typeof RECORDING_EVENT_TYPES)[number];

/**
 * A moment in the life of a recording: consent asked, given, declined or withdrawn,
 * recording started or stopped. Times and roles only, never names or media; the events
 * travel into the exported file's metadata.
 */
export interface RecordingEvent {
  readonly type: RecordingEventType;
  /** Milliseconds since the Unix epoch. */
  readonly at: number;
  readonly role: RecordingRole;
  /** A short machine-readable reason, for example `withdrawn-by-client` (at most 200 characters). */
  readonly reason?: string;
}

/**
 * Where a stored recording stands.
 * - `recording`: a writer holds it open, in this tab or another.
 * - `complete`: finished, stopped for lack of space, or recovered; exportable.
 * - `interrupted`: its writer died (tab closed or crashed) before `finish()`; call
 *   `recover()` to make the chunks written so far exportable.
 */
export type RecordingStatus = 'recording' | 'complete' | 'interrupted';

/** Why a complete recording ended. */
export type RecordingEndReason = 'finished' | 'no-space' | 'recovered';

/** A recording as stored: metadata only, never media. */
export interface StoredRecording {
  readonly id: string;
  /** Milliseconds since the Unix epoch. */
  readonly createdAt: number;
  /** The MediaRecorder MIME type the chunks were recorded in. */
  readonly mimeType: string;
  /** Media chunks stored, each one MediaRecorder `dataavailable` blob. */
  readonly chunkCount: number;
  /** Bytes of media stored (before encryption). */
  readonly byteLength: number;
  readonly status: RecordingStatus;
  /** Why it ended, once it is `complete`. */
  readonly endReason?: RecordingEndReason;
  /** Time of the last chunk or event written, milliseconds since the Unix epoch. */
  readonly updatedAt: number;
  readonly events: readonly RecordingEvent[];
}

/** What `prepare()` found out about storage. */
export interface StoragePreparation {
  /** True when the browser granted persistent storage, so it will not evict recordings. */
  readonly persisted: boolean;
  /** Bytes the origin may still use (quota minus usage), as the browser estimates it. */
  readonly availableBytes: number;
  /** The estimate asked for, plus the safety margin that was required on top. */
  readonly requiredBytes: number;
}

/** What an export wrote. */
export interface ExportSummary {
  readonly id: string;
  /** MIME type of the exported file, `video/webm` or `video/mp4`. */
  readonly mimeType: string;
  /** File extension that fits the MIME type, without the dot. */
  readonly extension: 'webm' | 'mp4';
  /** Size of the exported file in bytes. */
  readonly bytesWritten: number;
  /** Media duration written into the file, in seconds. */
  readonly durationSeconds: number;
  /** Media chunks read, each decrypted and authenticated once. */
  readonly chunkCount: number;
}
