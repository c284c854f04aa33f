import type {
  RecordingChangeReason,
  RecordingMedia,
  RecordingState,
  Role,
} from '@bilateral-base/core';

export interface BbRecordingChangeDetail {
  /** `idle`, `requesting` (host), `asked` (client), `starting` or `recording`. */
  readonly state: RecordingState;
  readonly previous: RecordingState;
  readonly reason: RecordingChangeReason;
  /** Whose action caused the change. */
  readonly by: Role;
  /** What is asked or recorded: `audio-video` or `audio`. */
  readonly media: RecordingMedia | undefined;
  /** With reason `failed`: the stable error code. */
  readonly code?: string;
}

/**
 * Fired by `<bb-session>` when recording is requested, answered, started or stopped, on
 * either side. A recording indicator is shown while `state` is `starting` or `recording`.
 */
export type BbRecordingChangeEvent = CustomEvent<BbRecordingChangeDetail>;

export function createRecordingChangeEvent(
  detail: BbRecordingChangeDetail,
): BbRecordingChangeEvent {
  return new CustomEvent('bb-recording-change', { detail, bubbles: true, composed: true });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'bb-recording-change': BbRecordingChangeEvent;
  }
}
