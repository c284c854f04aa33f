import type { MediaConnection } from 'peerjs';
import { TypedEmitter } from './events.js';
import type { ElementCaptureApi } from './element-capture.js';
import { ScreenShare, type ScreenShareState, type ShareLink } from './screen-share.js';
import type { ScreenShareOptions } from './screen-share-options.js';

/**
 * The screen-sharing half of `SessionCall`'s public API, kept apart so the call's
 * meeting and media logic stays readable. The subclass says when the session is
 * connected (`shareLink`) and routes screen calls and share messages to `share`.
 */
export abstract class ScreenSharingCall extends TypedEmitter {
  protected readonly share = new ScreenShare({
    link: () => this.shareLink(),
    onChange: (change) => this.emit('screenshare', change),
    vet: (call) => this.vetConnection(call),
  });

  /** Who shares now: `none`, `local`, `local-paused`, `remote` or `remote-paused`. */
  get screenShareState(): ScreenShareState {
    return this.share.state;
  }

  /** This side's shared stream, exactly what is sent (a preview shows it). */
  get localScreenStream(): MediaStream | undefined {
    return this.share.localStream;
  }

  /** The other participant's shared screen. */
  get remoteScreenStream(): MediaStream | undefined {
    return this.share.remoteStream;
  }

  /** Which API narrowed this side's share to one element; undefined for a whole surface. */
  get screenShareElementCapture(): ElementCaptureApi | undefined {
    return this.share.elementCapture;
  }

  /**
   * Opens the browser's picker and shares the choice on a second connection; the camera
   * keeps flowing. Rejects with `BB_ERR_SHARE_CANCELLED` when the user cancels,
   * `BB_ERR_SHARE_BUSY` while a share runs, `BB_ERR_SHARE_UNSUPPORTED` when the browser
   * cannot share what was asked (one element, in Firefox and Safari), and
   * `BB_ERR_CALL_STATE` outside a connected call. None of these ends the call.
   */
  startScreenShare(options?: ScreenShareOptions): Promise<void> {
    return this.share.start(options);
  }

  /** Stops sending frames of this side's share; the other side shows it as paused. */
  pauseScreenShare(): Promise<void> {
    return this.share.pause();
  }

  resumeScreenShare(): Promise<void> {
    return this.share.resume();
  }

  /** Ends this side's share. The browser's own "Stop sharing" does the same. */
  stopScreenShare(): void {
    this.share.stop();
  }

  /** Host only: asks the client to stop sharing and stops showing the client's share. */
  requestRemoteShareStop(): void {
    this.share.requestRemoteStop();
  }

  /** The connected session the share travels in, or undefined while not connected. */
  protected abstract shareLink(): ShareLink | undefined;

  /** Holds a media connection to the proven fingerprint (see `CallVerification.vet`). */
  protected abstract vetConnection(call: MediaConnection): Promise<boolean>;

  /** Answers a screen call only from the partner, only while connected. */
  protected acceptScreenCall(call: MediaConnection): void {
    const link = this.shareLink();
    if (link === undefined || call.peer !== link.remotePeerId) {
      call.close();
      return;
    }
    this.share.acceptCall(call);
  }
}
