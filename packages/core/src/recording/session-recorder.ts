import { BbError, isBbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { AudioMix } from './audio-mix.js';
import { Compositor } from './compositor.js';
import { assertConsent, type ConsentGrant } from './consent-grant.js';
import { estimateRecordingBytes } from './quota.js';
import type { ResolvedRecordingOptions } from './recording-options.js';
import type { RecordingWriter } from './recording-writer.js';
import { RecordingStore } from './store.js';
import type { RecordingEvent, StoredRecording } from './types.js';

// Loaded on demand (the first recording request), so pages that never record do not
// download the compositor, the recorder or the store.

const log = createLogger('core:recording');

/** MediaRecorder emits a chunk every second, so a crash loses about a second at most. */
export const TIMESLICE_MS = 1000;

/** How long a stopping MediaRecorder may take to hand over its last chunk. */
const STOP_TIMEOUT_MS = 5000;

const VIDEO_TYPES = ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4;codecs=avc1,opus'];
const AUDIO_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/mp4'];

/** The first container this browser's MediaRecorder can write, or the one asked for. */
export function chooseMimeType(options: ResolvedRecordingOptions): string {
  if (typeof MediaRecorder !== 'function') {
    throw new BbError('BB_ERR_RECORDING_CAPTURE_UNSUPPORTED', 'This browser has no MediaRecorder');
  }
  const wanted =
    options.mimeType === undefined
      ? options.layout === 'audio-only'
        ? AUDIO_TYPES
        : VIDEO_TYPES
      : [options.mimeType];
  const found = wanted.find((type) => MediaRecorder.isTypeSupported(type));
  if (found === undefined) {
    throw new BbError(
      'BB_ERR_RECORDING_CAPTURE_UNSUPPORTED',
      `This browser cannot record ${wanted.join(' or ')}`,
    );
  }
  return found;
}

/** What the recorder records: the two participants' streams at the moment it starts. */
export interface RecorderSources {
  readonly local: MediaStream | undefined;
  readonly remote: MediaStream | undefined;
}

/**
 * Everything checked before the client is asked: the browser can record the chosen
 * format, and the store is open with room for the expected length. Asking the client for
 * consent to something that cannot happen would waste their trust.
 */
export class PreparedRecording {
  private constructor(
    private readonly options: ResolvedRecordingOptions,
    private readonly store: RecordingStore,
    private readonly mimeType: string,
  ) {}

  static async prepare(options: ResolvedRecordingOptions): Promise<PreparedRecording> {
    const mimeType = chooseMimeType(options);
    const store = options.store ?? (await RecordingStore.open());
    const video = options.layout === 'audio-only' ? 0 : options.videoBitsPerSecond;
    const bitsPerSecond = video + options.audioBitsPerSecond;
    await store.prepare(estimateRecordingBytes(options.expectedMinutes * 60, bitsPerSecond));
    return new PreparedRecording(options, store, mimeType);
  }

  /**
   * Starts recording under `grant`. Throws `BB_ERR_RECORDING_CONSENT_REQUIRED` unless
   * the grant is live both before the store is touched and when capture begins.
   */
  async start(
    grant: ConsentGrant,
    sources: RecorderSources,
    events: readonly RecordingEvent[],
    onFailure: (error: BbError) => void,
  ): Promise<SessionRecorder> {
    assertConsent(grant);
    const writer = await this.store.begin({ mimeType: this.mimeType });
    if (!grant.live) {
      await writer.abort('consent ended before the recorder started').catch(() => undefined);
      assertConsent(grant);
    }
    try {
      return new SessionRecorder(this.options, this.mimeType, writer, sources, events, onFailure);
    } catch (error) {
      await writer.abort('the recorder could not start').catch(() => undefined);
      throw isBbError(error)
        ? error
        : new BbError('BB_ERR_RECORDING_FAILED', 'The recorder could not start', { cause: error });
    }
  }
}

/**
 * One running recording: the composed video (or none, audio only) and the mixed voices go
 * into a MediaRecorder whose chunks are appended, in order, to the store's writer. Nothing
 * here touches the network; the chunks exist only in this page and the store.
 */
export class SessionRecorder {
  private readonly recorder: MediaRecorder;
  private readonly compositor: Compositor | undefined;
  private readonly mix: AudioMix;
  private writes: Promise<void> = Promise.resolve();
  private chunks = 0;
  private stopping: Promise<StoredRecording | undefined> | undefined;

  constructor(
    options: ResolvedRecordingOptions,
    mimeType: string,
    private readonly writer: RecordingWriter,
    sources: RecorderSources,
    events: readonly RecordingEvent[],
    private readonly onFailure: (error: BbError) => void,
  ) {
    const tracks: MediaStreamTrack[] = [];
    let compositor: Compositor | undefined;
    let mix: AudioMix | undefined;
    try {
      if (options.layout !== 'audio-only') {
        compositor = new Compositor({ ...options, layout: options.layout });
        compositor.setStreams(sources.local, sources.remote);
        tracks.push(...compositor.stream.getVideoTracks());
      }
      mix = new AudioMix([sources.local, sources.remote]);
      tracks.push(mix.track);
      this.recorder = new MediaRecorder(new MediaStream(tracks), {
        mimeType,
        audioBitsPerSecond: options.audioBitsPerSecond,
        ...(compositor === undefined ? {} : { videoBitsPerSecond: options.videoBitsPerSecond }),
      });
    } catch (error) {
      compositor?.stop();
      mix?.close();
      throw error;
    }
    this.compositor = compositor;
    this.mix = mix;
    for (const event of events) {
      this.note(event);
    }
    this.recorder.addEventListener('dataavailable', (event) => this.onData(event.data));
    this.recorder.addEventListener('error', (event) => {
      const cause = (event as Event & { error?: unknown }).error;
      this.fail(new BbError('BB_ERR_RECORDING_FAILED', 'The MediaRecorder failed', { cause }));
    });
    this.recorder.start(TIMESLICE_MS);
    // Noted when capture really begins, so the metadata's length matches the file's.
    this.note({ type: 'started', at: Date.now(), role: 'host' });
    log.info('recording started', { layout: options.layout, mimeType });
  }

  /** The id of the stored recording being written. */
  get id(): string {
    return this.writer.id;
  }

  /** Writes a consent or start/stop event into the recording's metadata, in order. */
  note(event: RecordingEvent): void {
    this.enqueue(() => this.writer.note(event));
  }

  /**
   * Stops capturing at once, releases the canvas track and the AudioContext, then writes
   * the last chunk and `events` and closes the stored recording. Resolves with it, or
   * undefined when nothing could be kept.
   */
  stop(events: readonly RecordingEvent[]): Promise<StoredRecording | undefined> {
    this.stopping ??= this.finish(events);
    return this.stopping;
  }

  private async finish(events: readonly RecordingEvent[]): Promise<StoredRecording | undefined> {
    const stopped = this.recorderStopped();
    if (this.recorder.state !== 'inactive') {
      this.recorder.stop();
    }
    this.compositor?.stop();
    this.mix.close();
    for (const event of events) {
      this.note(event);
    }
    await stopped;
    await this.writes;
    if (this.chunks === 0) {
      await this.writer.abort('nothing was recorded').catch(() => undefined);
      return undefined;
    }
    const stored = await this.writer.finish();
    log.info('recording saved', { chunks: stored.chunkCount, bytes: stored.byteLength });
    return stored;
  }

  /** Resolves on the recorder's `stop` event, which follows its last `dataavailable`. */
  private recorderStopped(): Promise<void> {
    if (this.recorder.state === 'inactive') {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, STOP_TIMEOUT_MS);
      this.recorder.addEventListener(
        'stop',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }

  private onData(chunk: Blob): void {
    if (chunk.size === 0) {
      return;
    }
    this.chunks += 1;
    this.enqueue(() => this.writer.append(chunk));
  }

  /** Runs writes one after another; the first failure stops the recording. */
  private enqueue(write: () => Promise<void>): void {
    this.writes = this.writes.then(write).catch((error: unknown) => {
      this.fail(
        isBbError(error)
          ? error
          : new BbError('BB_ERR_RECORDING_FAILED', 'A chunk could not be stored', {
              cause: error,
            }),
      );
    });
  }

  private fail(error: BbError): void {
    log.warn('recording failed', { code: error.code });
    this.onFailure(error);
  }
}
