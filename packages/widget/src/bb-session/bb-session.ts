import {
  BbError,
  LINK_KEY_PARAM,
  SessionCall,
  elementCaptureApi,
  isBbError,
  isFinalState,
  type CallState,
  type CallStateReason,
  type ConnectionPath,
  type ErrorCode,
  type RecordingOptions,
  type ScreenShareState,
  type SecuritySummary,
  type SessionCallOptions,
  type TicketResponse,
} from '@bilateral-base/core';
import { LitElement, html, type PropertyDeclarations, type PropertyValues } from 'lit';
import { createErrorEvent } from '../events/bb-error.js';
import { createLeaveEvent } from '../events/bb-leave.js';
import { createStateChangeEvent } from '../events/bb-state-change.js';
import {
  renderRemoteShare,
  renderShareControls,
  renderSharePreview,
  type ShareFit,
  type ShareView,
} from './bb-session.share.js';
import { renderSecurity } from './bb-session.security.js';
import { RecordingUi } from './bb-session.recording.js';
import { recordingStyles } from './bb-session.recording.styles.js';
import { bbSessionStyles } from './bb-session.styles.js';
import {
  errorText,
  mergeStrings,
  shareErrorText,
  statusText,
  type BbSessionStrings,
  type BbSessionStringsOverride,
} from './bb-session.strings.js';

/**
 * A complete one-to-one session: the other person's video, a mirrored self view, and
 * controls for the microphone, the camera, screen sharing and leaving.
 *
 * Screen sharing: either person may share a tab, a window or (when they pick it) a
 * screen, one at a time, while both cameras keep flowing. The sharer sees a preview of
 * exactly what is sent and can pause or stop; the other side sees the share large with
 * the camera small, can fit or fill it and go full screen, and sees a paused notice
 * instead of a frozen frame. Set `shareElement` to offer sharing only that element of
 * this page; the choice appears only in browsers that can do it (Chromium).
 *
 * The call starts on the first render after `signal-url` is set and the element is in
 * the document, so set `link`, `hostTicket`, `iceServers` and `relayOnly` before inserting it. A
 * client page needs no `link`: the element reads it from the page's own fragment and
 * then removes the fragment from the address bar. Removing the element leaves the call.
 *
 * @summary Secure one-to-one video session.
 *
 * The element has no slots: everything it shows comes from the call and `strings`.
 *
 * @event bb-state-change - The call changed state; detail `{ state, previous }`.
 * @event bb-error - The call failed; detail `{ code, message }`.
 * @event bb-leave - The user pressed leave; cancelable, `preventDefault()` keeps the call.
 * @event bb-recording-change - Recording was requested, answered, started or stopped; detail
 *   `{ state, previous, reason, by, media, code? }`.
 *
 * @csspart base - The wrapper around everything.
 * @csspart stage - The box holding both videos.
 * @csspart remote-video - The other person's video.
 * @csspart self-view - The small mirrored video of the local camera.
 * @csspart status - The line that says what is happening, in plain words.
 * @csspart signal-notice - Says so while the session service is unreachable mid-call.
 * @csspart relay-indicator - Shown while the media goes through a TURN relay; with
 *   `relay-only` it says that this side's network address is hidden.
 * @csspart controls - The row of buttons.
 * @csspart control - Every button.
 * @csspart microphone-button - The microphone toggle.
 * @csspart camera-button - The camera toggle.
 * @csspart leave-button - The leave button.
 * @csspart share-button - Opens the browser's picker to share a tab, window or screen.
 * @csspart share-element-button - Shares only `shareElement`; hidden where unsupported.
 * @csspart share-pause-button - Pauses or resumes this side's share (aria-pressed).
 * @csspart share-stop-button - Stops this side's share.
 * @csspart share-preview-frame - The box around the sharer's preview and its caption.
 * @csspart share-preview - The sharer's preview of exactly the track being sent.
 * @csspart share-video - The other person's shared screen, shown large.
 * @csspart share-paused - The notice over the other person's share while it is paused.
 * @csspart share-fit-button - Switches the shared screen between fit and fill.
 * @csspart fullscreen-button - Shows the stage full screen.
 * @csspart share-stop-remote-button - The host's button that stops the client's share.
 * @csspart share-notice - Says why a share could not start.
 * @csspart safety-code - The six digits to read to each other, with what to do with them.
 * @csspart security-summary - One line: verified, DTLS and SRTP ciphers, frame encryption.
 * @csspart frame-encryption-notice - Shown when either browser cannot encrypt frames.
 * @csspart recording-indicator - Shown on both screens while a recording runs.
 * @csspart record-button - The host's button that asks the client for consent to record.
 * @csspart record-stop-button - The host's stop button, or cancel while the client decides.
 * @csspart recording-withdraw-button - The client's button that withdraws consent at once.
 * @csspart recordings-button - The host's toggle for the list of stored recordings.
 * @csspart consent-dialog - The client's request to record, with who records and where it
 *   stays, and the `consent-accept-button` and `consent-decline-button`.
 * @csspart consent-accept-button - Allows the recording.
 * @csspart consent-decline-button - Refuses the recording.
 * @csspart recording-notice - What happened to the last request or recording.
 * @csspart recordings - The host's list of recordings in this browser; each row is a
 *   `recording-item` with `recording-export-button`, `recording-delete-button` and, when
 *   interrupted, `recording-recover-button`.
 *
 * @cssproperty --bb-session-background - Background of the component.
 * @cssproperty --bb-session-foreground - Text colour.
 * @cssproperty --bb-session-font-family - Font; the platform's by default.
 * @cssproperty --bb-session-radius - Corner radius.
 * @cssproperty --bb-session-gap - Space between stage, status and controls.
 * @cssproperty --bb-session-padding - Space inside the component.
 * @cssproperty --bb-session-aspect-ratio - Shape of the stage.
 * @cssproperty --bb-session-stage-background - Behind the videos.
 * @cssproperty --bb-session-remote-fit - object-fit of the remote video.
 * @cssproperty --bb-session-self-view-width - Width of the self view.
 * @cssproperty --bb-session-self-view-border - Border colour of the self view.
 * @cssproperty --bb-session-status-font-size - Size of the status line.
 * @cssproperty --bb-session-danger - Colour of an error message.
 * @cssproperty --bb-session-relay-foreground - Text colour of the relay indicator.
 * @cssproperty --bb-session-relay-background - Background of the relay indicator.
 * @cssproperty --bb-session-danger-background - Background of the leave button.
 * @cssproperty --bb-session-control-size - Minimum height of a button.
 * @cssproperty --bb-session-control-radius - Corner radius of a button.
 * @cssproperty --bb-session-control-border - Border colour of a button.
 * @cssproperty --bb-session-control-background - Background of a button.
 * @cssproperty --bb-session-control-pressed-background - A pressed toggle's background.
 * @cssproperty --bb-session-control-pressed-foreground - A pressed toggle's text colour.
 * @cssproperty --bb-session-focus-ring - Keyboard focus outline colour.
 * @cssproperty --bb-session-share-camera-width - Width of the camera while a share is shown.
 * @cssproperty --bb-session-paused-foreground - Text colour of the paused notice.
 * @cssproperty --bb-session-paused-background - Background of the paused notice.
 * @cssproperty --bb-session-share-preview-width - Width of the sharer's preview.
 * @cssproperty --bb-session-share-preview-border - Border colour of the sharer's preview.
 */
export class BbSession extends LitElement {
  static override styles = [bbSessionStyles, recordingStyles];

  static override properties: PropertyDeclarations = {
    signalUrl: { type: String, attribute: 'signal-url' },
    link: { type: String },
    hostTicket: { attribute: false },
    iceServers: { attribute: false },
    relayOnly: { type: Boolean, attribute: 'relay-only' },
    strings: { attribute: false },
    shareElement: { attribute: false },
    recordingOptions: { attribute: false },
    callState: { state: true },
    failure: { state: true },
    microphoneMuted: { state: true },
    cameraOff: { state: true },
    localStream: { state: true },
    remoteStream: { state: true },
    path: { state: true },
    shareState: { state: true },
    shareFit: { state: true },
    shareNotice: { state: true },
    safetyCode: { state: true },
    securitySummary: { state: true },
    callReason: { state: true },
    signalLost: { state: true },
  };

  /** The bb-signal base URL (attribute `signal-url`). */
  signalUrl: string | undefined;
  /** The session link. Absent: read from the page's fragment, then removed from it. */
  link: string | undefined;
  /** The host's ticket from the practice site's backend; set only on the host's page. */
  hostTicket: TicketResponse | undefined;
  /** STUN and TURN servers for this session. Default: none (host candidates only). */
  iceServers: RTCIceServer[] | undefined;
  /**
   * Media only through a TURN relay, so the other person never learns this side's IP
   * address (attribute `relay-only`). Needs TURN on bb-signal or in `iceServers`.
   */
  relayOnly = false;
  /** Replacement texts; only the keys given replace the defaults. */
  strings: BbSessionStringsOverride | undefined;
  /**
   * An element of this page that may be shared on its own (a worksheet panel, say),
   * without the rest of the tab. Unset: only whole tabs, windows and screens.
   */
  shareElement: Element | undefined;
  /** Host only: layout, bitrate and the rest of `call.recording.request()`'s options. */
  recordingOptions: RecordingOptions | undefined;

  private callState: CallState = 'idle';
  private callReason: CallStateReason | undefined;
  /** The socket to bb-signal is down while the call goes on; see `signalchange`. */
  private signalLost = false;
  private failure: { code: ErrorCode; message: string } | undefined;
  private microphoneMuted = false;
  private cameraOff = false;
  private localStream: MediaStream | undefined;
  private remoteStream: MediaStream | undefined;
  private path: ConnectionPath | undefined;
  private call: SessionCall | undefined;
  private started = false;
  private shareState: ScreenShareState = 'none';
  private shareFit: ShareFit = 'contain';
  private shareNotice = '';
  private safetyCode: string | undefined;
  private securitySummary: SecuritySummary | undefined;
  private readonly recording = new RecordingUi(this, {
    strings: () => this.resolvedStrings,
    options: () => this.recordingOptions,
  });

  /** The current state of the call. */
  get state(): CallState {
    return this.callState;
  }

  /** How the media travels now, `relayed` or `direct`; undefined without media. */
  get connectionPath(): ConnectionPath | undefined {
    return this.path;
  }

  /** Leaves the session at once, without asking through `bb-leave`. */
  leave(): void {
    this.call?.leave();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // A removed element must not keep the camera and the connection open.
    this.call?.leave();
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.attachStream('.remote', this.remoteStream);
    this.attachStream('.self', this.localStream);
    this.attachStream('.share-video', this.call?.remoteScreenStream);
    this.attachStream('.share-preview', this.call?.localScreenStream);
    if (!this.started && this.isConnected && typeof this.signalUrl === 'string') {
      this.started = true;
      // Started after this update, so the state changes it causes render normally.
      queueMicrotask(() => this.start());
    }
  }

  protected override render() {
    const strings = this.resolvedStrings;
    const over = isFinalState(this.callState);
    const noMedia = this.localStream === undefined || over;
    // Always in the document, empty unless relayed: a live region must exist before
    // its text changes for screen readers to announce the change.
    const relayed = this.path === 'relayed' && !over;
    const status =
      this.callState === 'failed' && this.failure !== undefined
        ? errorText(strings, this.failure.code)
        : statusText(strings, this.callState, this.callReason);
    const signalNotice = this.signalLost && !over ? strings.reasons.signalLost : '';
    const share = this.shareView(strings);
    const receiving = this.shareState === 'remote' || this.shareState === 'remote-paused';
    return html`
      <div part="base" class="base">
        <div part="stage" class="stage ${receiving ? 'receiving' : ''}">
          ${renderRemoteShare(share)} ${this.recording.renderIndicator()}
          <video
            part="remote-video"
            class="remote"
            aria-label=${strings.remoteVideo}
            autoplay
            playsinline
          ></video>
          <video
            part="self-view"
            class="self"
            aria-label=${strings.selfView}
            ?hidden=${this.localStream === undefined}
            autoplay
            playsinline
            muted
          ></video>
          <p
            part="relay-indicator"
            class="relay-indicator ${relayed ? 'relayed' : ''}"
            role="status"
            aria-live="polite"
            data-path=${over ? '' : (this.path ?? '')}
          >
            ${relayed ? (this.relayOnly ? strings.relayedAddressHidden : strings.relayed) : ''}
          </p>
        </div>
        ${renderSharePreview(share)} ${this.recording.renderConsent()}
        ${renderSecurity({
          strings,
          safetyCode: over ? undefined : this.safetyCode,
          summary: over ? undefined : this.securitySummary,
        })}
        <p
          part="status"
          class="status ${this.callState}"
          role="status"
          aria-live="polite"
          data-state=${this.callState}
          data-code=${this.failure?.code ?? ''}
        >
          ${status}
        </p>
        <p part="signal-notice" class="signal-notice" role="status" aria-live="polite">
          ${signalNotice}
        </p>
        <div part="controls" class="controls" role="group" aria-label=${strings.controls}>
          <button
            part="control microphone-button"
            class="microphone"
            type="button"
            aria-label=${strings.muteMicrophone}
            aria-pressed=${this.microphoneMuted ? 'true' : 'false'}
            ?disabled=${noMedia}
            @click=${this.toggleMicrophone}
          >
            ${strings.muteMicrophone}
          </button>
          <button
            part="control camera-button"
            class="camera"
            type="button"
            aria-label=${strings.turnOffCamera}
            aria-pressed=${this.cameraOff ? 'true' : 'false'}
            ?disabled=${noMedia}
            @click=${this.toggleCamera}
          >
            ${strings.turnOffCamera}
          </button>
          ${renderShareControls(share)}
          ${this.recording.renderControls(this.callState === 'connected')}
          <button
            part="control leave-button"
            class="leave"
            type="button"
            aria-label=${strings.leave}
            ?disabled=${over || this.call === undefined}
            @click=${this.requestLeave}
          >
            ${strings.leave}
          </button>
        </div>
        ${this.recording.renderNoticeAndList()}
      </div>
    `;
  }

  private get resolvedStrings(): BbSessionStrings {
    return mergeStrings(this.strings);
  }

  private start(): void {
    if (!this.isConnected) {
      return;
    }
    let link = this.link;
    if (link === undefined && this.hostTicket === undefined) {
      link = this.takeLinkFromFragment();
      if (link === undefined) {
        // A client page opened without the key (a link cut short in an email, say).
        this.showFailure('BB_ERR_LINK_MALFORMED', 'The page address has no session key');
        return;
      }
    }
    const options: SessionCallOptions = {
      signalUrl: this.signalUrl ?? '',
      ...(link === undefined ? {} : { link }),
      ...(this.hostTicket === undefined ? {} : { hostTicket: this.hostTicket }),
      ...(this.iceServers === undefined ? {} : { iceServers: this.iceServers }),
      relayOnly: this.relayOnly,
    };
    let call: SessionCall;
    try {
      call = new SessionCall(options);
    } catch (error) {
      const failure = error instanceof BbError ? error : undefined;
      this.showFailure(failure?.code ?? 'BB_ERR_INVALID_ARGUMENT', String(error));
      return;
    }
    this.call = call;
    this.recording.attach(call);
    call.on('signalchange', ({ connected }) => {
      this.signalLost = !connected;
    });
    call.on('statechange', ({ state, previous, reason }) => {
      this.callState = state;
      this.callReason = reason;
      if (state === 'waiting' || isFinalState(state)) {
        this.remoteStream = undefined;
        this.path = undefined;
        this.safetyCode = undefined;
        this.securitySummary = undefined;
      }
      if (isFinalState(state)) {
        this.localStream = undefined;
      }
      this.dispatchEvent(createStateChangeEvent({ state, previous, reason }));
    });
    call.on('error', (error) => {
      this.failure = { code: error.code, message: error.message };
      this.dispatchEvent(createErrorEvent({ code: error.code, message: error.message }));
    });
    call.on('localstream', ({ stream }) => {
      this.localStream = stream;
    });
    call.on('remotestream', ({ stream }) => {
      this.remoteStream = stream;
    });
    call.on('verified', ({ safetyCode }) => {
      this.safetyCode = safetyCode;
    });
    call.on('screenshare', ({ state }) => {
      this.shareState = state;
      if (state !== 'none') {
        this.shareNotice = '';
      }
    });
    call.on('connectionpath', ({ path }) => {
      this.path = path;
      // The media's DTLS handshake is done once a candidate pair is selected.
      void call.getSecuritySummary().then((summary) => {
        this.securitySummary = isFinalState(call.state) ? undefined : summary;
      });
    });
    call.on('mediastatechange', ({ microphoneEnabled, cameraEnabled }) => {
      this.microphoneMuted = !microphoneEnabled;
      this.cameraOff = !cameraEnabled;
    });
    // Failures arrive through the `error` event above; the rejection carries the same one.
    call.join().catch(() => undefined);
  }

  /**
   * Reads the link from the page address and removes its fragment with replaceState, so
   * the key neither stays on screen nor lands in the history entry or a bookmark.
   */
  private takeLinkFromFragment(): string | undefined {
    const href = globalThis.location?.href;
    if (href === undefined) {
      return undefined;
    }
    const url = new URL(href);
    if (!new URLSearchParams(url.hash.slice(1)).has(LINK_KEY_PARAM)) {
      return undefined;
    }
    url.hash = '';
    globalThis.history.replaceState(globalThis.history.state, '', url.href);
    return href;
  }

  private showFailure(code: ErrorCode, message: string): void {
    const previous = this.callState;
    this.failure = { code, message };
    this.callState = 'failed';
    this.dispatchEvent(createErrorEvent({ code, message }));
    this.dispatchEvent(createStateChangeEvent({ state: 'failed', previous }));
  }

  private attachStream(selector: string, stream: MediaStream | undefined): void {
    const video = this.renderRoot.querySelector<HTMLVideoElement>(selector);
    const wanted = stream ?? null;
    // Assigning the same stream again would abort the pending play().
    if (video !== null && video.srcObject !== wanted) {
      video.srcObject = wanted;
    }
  }

  private toggleMicrophone(): void {
    this.call?.setMicrophoneEnabled(this.microphoneMuted);
  }

  private toggleCamera(): void {
    this.call?.setCameraEnabled(this.cameraOff);
  }

  private shareView(strings: BbSessionStrings): ShareView {
    return {
      strings,
      state: this.shareState,
      role: this.call?.role,
      canStart: this.callState === 'connected',
      canShareElement: this.shareElement !== undefined && elementCaptureApi() !== undefined,
      fit: this.shareFit,
      notice: this.shareNotice,
      start: (element) => this.startShare(element),
      togglePause: () => {
        const call = this.call;
        void (this.shareState === 'local-paused'
          ? call?.resumeScreenShare()
          : call?.pauseScreenShare());
      },
      stop: () => this.call?.stopScreenShare(),
      stopRemote: () => this.call?.requestRemoteShareStop(),
      toggleFit: () => {
        this.shareFit = this.shareFit === 'contain' ? 'cover' : 'contain';
      },
      fullScreen: () => {
        void this.renderRoot
          .querySelector('.stage')
          ?.requestFullscreen?.()
          .catch(() => undefined);
      },
    };
  }

  private startShare(element: boolean): void {
    const call = this.call;
    const target = element ? this.shareElement : undefined;
    this.shareNotice = '';
    call
      ?.startScreenShare(target === undefined ? {} : { element: target })
      .catch((error: unknown) => {
        const code = isBbError(error) ? error.code : 'BB_ERR_SHARE_FAILED';
        this.shareNotice = shareErrorText(this.resolvedStrings, code);
      });
  }

  private requestLeave(): void {
    if (this.dispatchEvent(createLeaveEvent({ source: 'button' }))) {
      this.call?.leave();
    }
  }
}
