import { BbError, isBbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import type { Role } from '../protocol/index.js';
import type { ControlMessage } from '../call/control-channel.js';
import { mintConsentGrant, type ConsentGrant } from './consent-grant.js';
import { resolveRecordingOptions, type RecordingOptions } from './recording-options.js';
import type { PreparedRecording, SessionRecorder } from './session-recorder.js';
import type { RecordingEvent, StoredRecording } from './types.js';

/**
 * Where recording stands on this side. Host: `idle`, `requesting` (checking storage, then
 * waiting for the client's answer), `starting` (accepted, recorder starting), `recording`.
 * Client: `idle`, `asked` (a request waits for an answer), `starting` (accepted),
 * `recording` (the host's recorder runs). Both sides show an indicator in `starting` and
 * `recording`.
 */
export type RecordingState = 'idle' | 'requesting' | 'asked' | 'starting' | 'recording';

/** What the host asks to record: picture and sound, or sound only. */
export type RecordingMedia = 'audio-video' | 'audio';

/** Why the recording state changed. */
export type RecordingChangeReason =
  | 'requested'
  | 'accepted'
  | 'declined'
  | 'started'
  | 'stopped'
  | 'cancelled'
  | 'withdrawn'
  | 'connection-lost'
  | 'call-ended'
  | 'failed';

/** The payload of the `recordingchange` event. */
export interface RecordingChange {
  readonly state: RecordingState;
  readonly previous: RecordingState;
  readonly reason: RecordingChangeReason;
  /** Whose action caused the change. */
  readonly by: Role;
  /** What is asked or recorded: picture and sound, or sound only. */
  readonly media: RecordingMedia | undefined;
  /** With reason `failed`: what went wrong. */
  readonly error?: BbError;
}

/** The payload of `recordingfinished` (host only): the stored recording, or why not. */
export interface RecordingFinished {
  readonly recording: StoredRecording | undefined;
  readonly error: BbError | undefined;
}

/** What the consent controller needs from its call while the session is connected. */
export interface RecordingLink {
  readonly role: Role;
  send(message: ControlMessage): void;
  readonly local: MediaStream | undefined;
  readonly remote: MediaStream | undefined;
}

export interface RecordingHooks {
  role(): Role;
  /** The connected session, or undefined while it is not connected. */
  link(): RecordingLink | undefined;
  onChange(change: RecordingChange): void;
  onFinished(finished: RecordingFinished): void;
}

type RecordingMessage = Extract<ControlMessage, { type: `recording-${string}` }>;

/** True for the control messages this controller handles. */
export function isRecordingMessage(message: ControlMessage): message is RecordingMessage {
  return message.type.startsWith('recording-');
}

/** One request of the host, from asking to the stored recording. */
interface Attempt {
  readonly media: RecordingMedia;
  readonly events: RecordingEvent[];
  prepared?: PreparedRecording;
  asked: boolean;
  grant?: ConsentGrant;
  recorder?: SessionRecorder;
  finalEvents: RecordingEvent[];
  saved?: Promise<StoredRecording | undefined>;
  settle(error?: BbError): void;
}

const log = createLogger('core:recording');

/**
 * Local recording with the client's consent, as `call.recording`.
 *
 * The host asks; the client's side shows the request and answers; only an acceptance
 * arriving for the request the host sent mints the `ConsentGrant` without which the
 * recorder refuses to start. The client may withdraw at any time, and either side may stop:
 * the host's recorder stops at once, and the request, acceptance, start, withdrawal and
 * stop are written into the recording's metadata with local times and roles. A lost
 * control channel or the end of the call stops it too. Recordings are written only to the
 * host's own browser storage (see store.ts); nothing here sends media anywhere.
 */
export class RecordingConsent {
  private current: RecordingState = 'idle';
  private media: RecordingMedia | undefined;
  private attempt: Attempt | undefined;

  constructor(private readonly hooks: RecordingHooks) {}

  get state(): RecordingState {
    return this.current;
  }

  /** What is asked or recorded, while the state is not `idle`. */
  get requestedMedia(): RecordingMedia | undefined {
    return this.media;
  }

  /**
   * Host only. Checks that this browser can record and has room (see `expectedMinutes`),
   * asks the client, and resolves once the recorder runs. Rejects with
   * `BB_ERR_RECORDING_DECLINED` when the client says no, `BB_ERR_RECORDING_CANCELLED` when
   * the request ends unanswered, `BB_ERR_RECORDING_IN_PROGRESS`, `BB_ERR_CALL_STATE` outside
   * a connected call, or the store's errors (such as `BB_ERR_RECORDING_NO_SPACE`).
   */
  async request(options?: RecordingOptions): Promise<void> {
    this.requireRole('host', 'request');
    const resolved = resolveRecordingOptions(options);
    if (this.hooks.link() === undefined) {
      throw new BbError('BB_ERR_CALL_STATE', 'Recording can be requested only in a connected call');
    }
    if (this.attempt !== undefined) {
      throw new BbError('BB_ERR_RECORDING_IN_PROGRESS');
    }
    const media: RecordingMedia = resolved.layout === 'audio-only' ? 'audio' : 'audio-video';
    let settle: (error?: BbError) => void = () => undefined;
    const answered = new Promise<void>((resolve, reject) => {
      settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Some paths below throw their own error instead of returning this promise.
    answered.catch(() => undefined);
    const attempt: Attempt = { media, events: [], asked: false, finalEvents: [], settle };
    this.attempt = attempt;
    this.setState('requesting', 'requested', 'host', media);
    try {
      const { PreparedRecording } = await import('./session-recorder.js');
      attempt.prepared = await PreparedRecording.prepare(resolved);
    } catch (error) {
      const failure = asRecordingError(error);
      if (this.attempt === attempt) {
        this.end('failed', 'host', { error: failure });
      }
      throw failure;
    }
    const link = this.hooks.link();
    if (this.attempt !== attempt || link === undefined) {
      // Stopped while storage was checked (then `end` already ran), or the call is gone.
      if (this.attempt === attempt) {
        this.end('cancelled', 'host', {});
      }
      throw new BbError('BB_ERR_RECORDING_CANCELLED');
    }
    attempt.events.push({ type: 'consent-requested', at: Date.now(), role: 'host' });
    attempt.asked = true;
    link.send({ type: 'recording-request', media });
    return answered;
  }

  /** Client only: answers the host's request. Accepting lets the host's recorder start. */
  respond(accepted: boolean): void {
    if (typeof accepted !== 'boolean') {
      throw new TypeError('recording.respond: accepted must be a boolean');
    }
    this.requireRole('client', 'respond');
    if (this.current !== 'asked') {
      throw new BbError('BB_ERR_CALL_STATE', 'There is no recording request to answer');
    }
    this.hooks.link()?.send({ type: 'recording-consent', accepted });
    this.setState(accepted ? 'starting' : 'idle', accepted ? 'accepted' : 'declined', 'client');
  }

  /**
   * Client only: withdraws consent (or declines a pending request). The host's recorder
   * stops as soon as the message arrives. Does nothing while idle.
   */
  withdraw(): void {
    this.requireRole('client', 'withdraw');
    if (this.current === 'asked') {
      this.respond(false);
    } else if (this.current !== 'idle') {
      this.hooks.link()?.send({ type: 'recording-withdraw' });
      this.setState('idle', 'withdrawn', 'client');
    }
  }

  /**
   * Stops recording at once, or cancels a pending request. On the host it resolves with
   * the stored recording once its last chunk is written (undefined if nothing was kept);
   * on the client it withdraws consent and resolves with undefined.
   */
  stop(): Promise<StoredRecording | undefined> {
    if (this.hooks.role() === 'client') {
      this.withdraw();
      return Promise.resolve(undefined);
    }
    const attempt = this.attempt;
    if (attempt === undefined) {
      return Promise.resolve(undefined);
    }
    const recording = this.current === 'recording' || this.current === 'starting';
    this.end(recording ? 'stopped' : 'cancelled', 'host', {
      notify: recording ? 'stopped' : 'cancelled',
      events: [{ type: 'stopped', at: Date.now(), role: 'host', reason: 'host-stopped' }],
    });
    return attempt.saved ?? Promise.resolve(undefined);
  }

  /** Routes a `recording-*` control message from the other participant. */
  onControlMessage(message: ControlMessage): void {
    if (!isRecordingMessage(message)) {
      return;
    }
    if (this.hooks.role() === 'host') {
      this.onHostMessage(message);
    } else {
      this.onClientMessage(message);
    }
  }

  /**
   * Stops everything at once without telling the other side: the control channel is
   * gone (`connection-lost`) or the call ended (`call-ended`).
   */
  reset(reason: 'connection-lost' | 'call-ended'): void {
    if (this.hooks.role() === 'host') {
      if (this.attempt !== undefined) {
        this.end(reason, 'host', {
          events: [{ type: 'stopped', at: Date.now(), role: 'host', reason }],
        });
      }
    } else if (this.current !== 'idle') {
      this.setState('idle', reason, 'client');
    }
  }

  private onHostMessage(message: RecordingMessage): void {
    const attempt = this.attempt;
    const awaitingAnswer = this.current === 'requesting' && attempt?.asked === true;
    if (message.type === 'recording-consent' && awaitingAnswer) {
      if (message.accepted) {
        this.onAccepted(attempt);
      } else {
        this.end('declined', 'client', { error: new BbError('BB_ERR_RECORDING_DECLINED') });
      }
    } else if (message.type === 'recording-withdraw' && awaitingAnswer) {
      this.end('declined', 'client', { error: new BbError('BB_ERR_RECORDING_DECLINED') });
    } else if (message.type === 'recording-withdraw' && attempt?.grant !== undefined) {
      const at = Date.now();
      this.end('withdrawn', 'client', {
        notify: 'stopped',
        events: [
          { type: 'consent-withdrawn', at, role: 'client' },
          { type: 'stopped', at, role: 'client', reason: 'consent-withdrawn' },
        ],
      });
    } else {
      // An answer to no request, or a message only the host sends: never starts anything.
      log.debug('ignored recording message', { type: message.type, state: this.current });
    }
  }

  private onAccepted(attempt: Attempt): void {
    attempt.events.push({ type: 'consent-given', at: Date.now(), role: 'client' });
    attempt.grant = mintConsentGrant();
    this.setState('starting', 'accepted', 'client');
    void this.startRecorder(attempt, attempt.grant);
  }

  private async startRecorder(attempt: Attempt, grant: ConsentGrant): Promise<void> {
    const link = this.hooks.link();
    const sources = { local: link?.local, remote: link?.remote };
    let recorder: SessionRecorder;
    try {
      recorder = await (attempt.prepared as PreparedRecording).start(
        grant,
        sources,
        attempt.events,
        (error) => this.onRecorderFailure(attempt, error),
      );
    } catch (error) {
      if (this.attempt === attempt) {
        this.end('failed', 'host', { notify: 'failed', error: asRecordingError(error) });
      }
      return;
    }
    attempt.recorder = recorder;
    if (this.attempt !== attempt) {
      // Stopped while the store was opening the recording: close it with the stop events.
      this.finishRecorder(attempt);
      return;
    }
    this.hooks.link()?.send({ type: 'recording-started' });
    this.setState('recording', 'started', 'host');
    attempt.settle();
  }

  private onRecorderFailure(attempt: Attempt, error: BbError): void {
    if (this.attempt === attempt) {
      this.end('failed', 'host', {
        notify: 'failed',
        error,
        events: [{ type: 'stopped', at: Date.now(), role: 'host', reason: 'failed' }],
      });
    }
  }

  /** Ends the current attempt at once: revokes consent, stops the recorder, tells listeners. */
  private end(
    reason: RecordingChangeReason,
    by: Role,
    options: {
      notify?: 'stopped' | 'cancelled' | 'failed';
      error?: BbError;
      events?: RecordingEvent[];
    },
  ): void {
    const attempt = this.attempt;
    if (attempt === undefined) {
      return;
    }
    this.attempt = undefined;
    attempt.grant?.revoke();
    attempt.finalEvents = options.events ?? [];
    if (options.notify !== undefined && attempt.asked) {
      this.hooks.link()?.send({ type: 'recording-stopped', reason: options.notify });
    }
    this.finishRecorder(attempt);
    attempt.settle(options.error ?? settleError(reason));
    this.setState('idle', reason, by, undefined, options.error);
  }

  private finishRecorder(attempt: Attempt): void {
    const recorder = attempt.recorder;
    if (recorder === undefined || attempt.saved !== undefined) {
      return;
    }
    attempt.saved = recorder.stop(attempt.finalEvents);
    attempt.saved.then(
      (recording) => this.hooks.onFinished({ recording, error: undefined }),
      (error: unknown) =>
        this.hooks.onFinished({ recording: undefined, error: asRecordingError(error) }),
    );
  }

  private onClientMessage(message: RecordingMessage): void {
    if (message.type === 'recording-request' && this.current === 'idle') {
      this.setState('asked', 'requested', 'host', message.media);
    } else if (message.type === 'recording-started' && this.current !== 'recording') {
      // Shown even without a recorded acceptance: the indicator must never be missing
      // while the host says it records.
      this.setState('recording', 'started', 'host');
    } else if (message.type === 'recording-stopped' && this.current !== 'idle') {
      this.setState('idle', message.reason, 'host');
    }
  }

  private requireRole(role: Role, method: string): void {
    if (this.hooks.role() !== role) {
      throw new BbError(
        'BB_ERR_RECORDING_NOT_ALLOWED',
        `recording.${method} is for the ${role} of the session`,
      );
    }
  }

  private setState(
    state: RecordingState,
    reason: RecordingChangeReason,
    by: Role,
    media?: RecordingMedia,
    error?: BbError,
  ): void {
    const previous = this.current;
    this.current = state;
    if (media !== undefined) {
      this.media = media;
    }
    const shown = this.media;
    if (state === 'idle') {
      this.media = undefined;
    }
    log.info('recording state', { state, previous, reason, by });
    this.hooks.onChange({
      state,
      previous,
      reason,
      by,
      media: shown,
      ...(error === undefined ? {} : { error }),
    });
  }
}

function settleError(reason: RecordingChangeReason): BbError {
  // After a start the request has resolved already, and settling again does nothing.
  return new BbError(
    reason === 'declined' ? 'BB_ERR_RECORDING_DECLINED' : 'BB_ERR_RECORDING_CANCELLED',
  );
}

function asRecordingError(error: unknown): BbError {
  if (isBbError(error)) {
    return error;
  }
  return new BbError('BB_ERR_RECORDING_FAILED', 'The recording could not start', {
    cause: error,
  });
}
