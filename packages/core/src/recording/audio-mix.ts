import { BbError } from '../errors/index.js';

/**
 * Mixes the voices of both participants into one audio track with Web Audio: a
 * `MediaStreamAudioSourceNode` per stream into one `MediaStreamAudioDestinationNode`.
 * Nothing is played out loud; the call's own elements do that.
 */
export class AudioMix {
  /** The mixed track; silent when neither stream has audio. */
  readonly track: MediaStreamTrack;
  private readonly context: AudioContext;
  private readonly sources: MediaStreamAudioSourceNode[] = [];
  private readonly sinks: HTMLAudioElement[] = [];

  constructor(streams: readonly (MediaStream | undefined)[]) {
    if (typeof AudioContext !== 'function') {
      throw new BbError('BB_ERR_RECORDING_CAPTURE_UNSUPPORTED', 'This browser has no Web Audio');
    }
    this.context = new AudioContext();
    const destination = this.context.createMediaStreamDestination();
    for (const stream of streams) {
      if (stream === undefined || stream.getAudioTracks().length === 0) {
        continue;
      }
      // Chromium feeds a remote WebRTC stream into Web Audio only while a media element
      // plays it too (https://crbug.com/933677); a muted element is enough.
      const sink = new Audio();
      sink.muted = true;
      sink.srcObject = stream;
      sink.play().catch(() => undefined);
      this.sinks.push(sink);
      const source = this.context.createMediaStreamSource(stream);
      source.connect(destination);
      this.sources.push(source);
    }
    const track = destination.stream.getAudioTracks()[0];
    if (track === undefined) {
      throw new BbError('BB_ERR_RECORDING_CAPTURE_UNSUPPORTED', 'Web Audio gave no audio track');
    }
    this.track = track;
    // Created after a user gesture (the record button) this runs at once; otherwise the
    // autoplay policy may hold it suspended until the page is activated.
    this.context.resume().catch(() => undefined);
  }

  /** Disconnects every node, ends the track and closes the AudioContext. */
  close(): void {
    for (const source of this.sources) {
      source.disconnect();
    }
    for (const sink of this.sinks) {
      sink.srcObject = null;
    }
    this.track.stop();
    this.context.close().catch(() => undefined);
  }
}
