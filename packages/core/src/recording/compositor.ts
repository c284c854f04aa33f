import { BbError } from '../errors/index.js';
import { FrameClock } from './frame-clock.js';

/** The video layouts; `audio-only` needs no compositor. */
export type VideoLayout = 'side-by-side' | 'picture-in-picture';

export interface CompositorOptions {
  readonly layout: VideoLayout;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
}

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The share of the frame's width the host's inset takes in picture in picture. */
const INSET_SCALE = 0.25;

/**
 * Draws the session as the therapist sees it into one canvas: the client (remote) and the
 * host (local) side by side, or the client filling the frame with the host inset in the
 * lower right corner. Each picture keeps its aspect ratio, letterboxed in black, and is not
 * mirrored (the self view is; a recording shows people as others see them). The canvas
 * is captured with `captureStream()` (Media Capture from DOM Elements, section 3).
 */
export class Compositor {
  /** The composed video: one track, at `frameRate`. */
  readonly stream: MediaStream;
  private readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly remote = createSink();
  private readonly local = createSink();
  private readonly clock: FrameClock;

  constructor(private readonly options: CompositorOptions) {
    const canvas = document.createElement('canvas');
    canvas.width = options.width;
    canvas.height = options.height;
    const context = canvas.getContext('2d', { alpha: false });
    if (context === null || typeof canvas.captureStream !== 'function') {
      throw new BbError(
        'BB_ERR_RECORDING_CAPTURE_UNSUPPORTED',
        'This browser cannot capture a canvas as a video stream',
      );
    }
    this.canvas = canvas;
    this.context = context;
    this.stream = canvas.captureStream(options.frameRate);
    this.draw();
    this.clock = new FrameClock(1000 / options.frameRate, () => this.draw());
  }

  /** Shows these streams from the next frame on; either may lack video (a black tile). */
  setStreams(local: MediaStream | undefined, remote: MediaStream | undefined): void {
    attach(this.local, local);
    attach(this.remote, remote);
  }

  /** Stops drawing, ends the canvas track and lets go of both streams. */
  stop(): void {
    this.clock.stop();
    for (const track of this.stream.getTracks()) {
      track.stop();
    }
    attach(this.local, undefined);
    attach(this.remote, undefined);
  }

  private draw(): void {
    const { width, height } = this.canvas;
    const context = this.context;
    context.fillStyle = '#000';
    context.fillRect(0, 0, width, height);
    if (this.options.layout === 'side-by-side') {
      const half = Math.floor(width / 2);
      drawContained(context, this.remote, { x: 0, y: 0, width: half, height });
      drawContained(context, this.local, { x: half, y: 0, width: width - half, height });
      return;
    }
    drawContained(context, this.remote, { x: 0, y: 0, width, height });
    const insetWidth = Math.round(width * INSET_SCALE);
    const insetHeight = Math.round((insetWidth * 3) / 4);
    const margin = Math.round(width * 0.02);
    const inset = {
      x: width - insetWidth - margin,
      y: height - insetHeight - margin,
      width: insetWidth,
      height: insetHeight,
    };
    context.fillRect(inset.x, inset.y, inset.width, inset.height);
    drawContained(context, this.local, inset);
  }
}

/** An off-document, muted video element that decodes one stream for drawing. */
function createSink(): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  return video;
}

function attach(video: HTMLVideoElement, stream: MediaStream | undefined): void {
  const wanted = stream ?? null;
  if (video.srcObject === wanted) {
    return;
  }
  video.srcObject = wanted;
  if (wanted !== null) {
    // Autoplay of a muted element is allowed without a gesture (HTML, autoplay policy).
    video.play().catch(() => undefined);
  }
}

function drawContained(context: CanvasRenderingContext2D, video: HTMLVideoElement, box: Box): void {
  const { videoWidth, videoHeight } = video;
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || videoWidth === 0) {
    return;
  }
  const scale = Math.min(box.width / videoWidth, box.height / videoHeight);
  const width = videoWidth * scale;
  const height = videoHeight * scale;
  context.drawImage(
    video,
    box.x + (box.width - width) / 2,
    box.y + (box.height - height) / 2,
    width,
    height,
  );
}
