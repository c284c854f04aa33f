import {
  type RecordingChange,
  type RecordingFinished,
  type RecordingMedia,
  type RecordingOptions,
  type RecordingState,
  type Role,
  type SessionCall,
} from '@bilateral-base/core';
import {
  html,
  nothing,
  type ReactiveController,
  type ReactiveControllerHost,
  type TemplateResult,
} from 'lit';
import { createRecordingChangeEvent } from '../events/bb-recording-change.js';
import type { RecordingsList } from './bb-session.recordings-list.js';
import type { BbSessionStrings } from './bb-session.strings.js';

type Host = ReactiveControllerHost & HTMLElement;

export interface RecordingUiInput {
  readonly strings: () => BbSessionStrings;
  /** The integrator's recording options (layout, bitrate); undefined for the defaults. */
  readonly options: () => RecordingOptions | undefined;
}

/** The states in which both screens show the recording indicator. */
const SHOWS_INDICATOR: ReadonlySet<RecordingState> = new Set(['starting', 'recording']);

/**
 * The recording parts of `<bb-session>`: the host's record and stop buttons and its list of
 * recordings stored in this browser (save as file, delete, recover), the client's consent
 * request and withdraw button, and the indicator on both sides. The store is imported
 * only when the host opens the list, so pages that never record do not download it.
 */
export class RecordingUi implements ReactiveController {
  private call: SessionCall | undefined;
  private state: RecordingState = 'idle';
  private media: RecordingMedia | undefined;
  private notice = '';
  private listOpen = false;
  private list: RecordingsList | undefined;
  private focusConsent = false;

  constructor(
    private readonly host: Host,
    private readonly input: RecordingUiInput,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    if (this.focusConsent) {
      this.focusConsent = false;
      // Moves focus into the request so keyboard and screen-reader users meet it at once.
      this.host.shadowRoot?.querySelector<HTMLElement>('.consent')?.focus();
    }
  }

  /** Follows `call`'s recording events. */
  attach(call: SessionCall): void {
    this.call = call;
    call.on('recordingchange', (change) => this.onChange(change));
    call.on('recordingfinished', (finished) => this.onFinished(finished));
  }

  private get role(): Role | undefined {
    return this.call?.role;
  }

  renderIndicator(): TemplateResult {
    const on = SHOWS_INDICATOR.has(this.state);
    return html`<p
      part="recording-indicator"
      class="recording-indicator ${on ? 'on' : ''}"
      role="status"
      aria-live="polite"
      data-state=${this.state}
    >
      ${on ? this.input.strings().recordingIndicator : ''}
    </p>`;
  }

  renderConsent(): TemplateResult {
    const strings = this.input.strings();
    const asked = this.state === 'asked';
    const explanation =
      this.media === 'audio' ? strings.consentExplanationAudio : strings.consentExplanationVideo;
    return html`<div
      part="consent-dialog"
      class="consent"
      role="alertdialog"
      aria-labelledby="bb-consent-title"
      aria-describedby="bb-consent-explanation"
      tabindex="-1"
      ?hidden=${!asked}
    >
      <h2 id="bb-consent-title">${strings.consentTitle}</h2>
      <p id="bb-consent-explanation">${explanation} ${strings.consentWithdrawAnyTime}</p>
      <button
        part="control consent-accept-button"
        class="consent-accept"
        type="button"
        ?hidden=${!asked}
        @click=${() => this.respond(true)}
      >
        ${strings.consentAccept}
      </button>
      <button
        part="control consent-decline-button"
        class="consent-decline"
        type="button"
        ?hidden=${!asked}
        @click=${() => this.respond(false)}
      >
        ${strings.consentDecline}
      </button>
    </div>`;
  }

  renderControls(connected: boolean): TemplateResult {
    const strings = this.input.strings();
    const host = this.role === 'host';
    const active = this.state !== 'idle';
    const requesting = this.state === 'requesting';
    return html`
      <button
        part="control record-button"
        class="record"
        type="button"
        aria-label=${strings.record}
        ?hidden=${!host || active}
        ?disabled=${!connected}
        @click=${this.request}
      >
        ${strings.record}
      </button>
      <button
        part="control record-stop-button"
        class="record-stop"
        type="button"
        aria-label=${requesting ? strings.cancelRecordingRequest : strings.stopRecording}
        ?hidden=${!host || !active}
        @click=${this.stop}
      >
        ${requesting ? strings.cancelRecordingRequest : strings.stopRecording}
      </button>
      <button
        part="control recording-withdraw-button"
        class="recording-withdraw"
        type="button"
        aria-label=${strings.withdrawRecordingConsent}
        ?hidden=${this.role !== 'client' || !SHOWS_INDICATOR.has(this.state)}
        @click=${this.stop}
      >
        ${strings.withdrawRecordingConsent}
      </button>
      <button
        part="control recordings-button"
        class="recordings-toggle"
        type="button"
        aria-label=${strings.recordings}
        aria-expanded=${this.listOpen ? 'true' : 'false'}
        ?hidden=${!host}
        @click=${this.toggleList}
      >
        ${strings.recordings}
      </button>
    `;
  }

  renderNoticeAndList(): TemplateResult {
    const strings = this.input.strings();
    return html`
      <p part="recording-notice" class="recording-notice" role="status" aria-live="polite">
        ${this.notice}
      </p>
      <section
        part="recordings"
        class="recordings"
        aria-label=${strings.recordings}
        ?hidden=${!this.listOpen}
      >
        ${this.list?.render() ?? nothing}
      </section>
    `;
  }

  private onChange(change: RecordingChange): void {
    const { state, previous, reason, by, media } = change;
    this.state = state;
    this.media = media;
    this.focusConsent = state === 'asked';
    this.notice = this.noticeFor(change);
    this.host.requestUpdate();
    this.host.dispatchEvent(
      createRecordingChangeEvent({
        state,
        previous,
        reason,
        by,
        media,
        ...(change.error === undefined ? {} : { code: change.error.code }),
      }),
    );
  }

  private noticeFor({ state, reason, by, error }: RecordingChange): string {
    const strings = this.input.strings();
    if (state === 'requesting') {
      return strings.recordingAwaitingConsent;
    }
    if (state !== 'idle') {
      return '';
    }
    const host = this.role === 'host';
    if (reason === 'declined' && host) {
      return strings.recordingDeclined;
    }
    if (reason === 'withdrawn' && host) {
      return strings.recordingWithdrawn;
    }
    if (reason === 'failed' && host) {
      return error?.code === 'BB_ERR_RECORDING_NO_SPACE'
        ? strings.recordingNoSpace
        : strings.recordingFailed;
    }
    const stoppedByOther = by === 'host' && !host && reason !== 'cancelled';
    return stoppedByOther ? strings.recordingStoppedByHost : '';
  }

  private onFinished({ recording, error }: RecordingFinished): void {
    if (recording !== undefined && this.notice === '') {
      this.notice = this.input.strings().recordingSaved;
    } else if (error !== undefined) {
      this.notice = this.input.strings().recordingFailed;
    }
    this.host.requestUpdate();
    if (this.listOpen) {
      void this.list?.refresh();
    }
  }

  private readonly request = (): void => {
    this.notice = '';
    // Every outcome also arrives as a `recordingchange`, which sets the notice.
    this.call?.recording.request(this.input.options()).catch(() => undefined);
  };

  private readonly stop = (): void => {
    this.call?.recording.stop().catch(() => undefined);
  };

  private respond(accepted: boolean): void {
    if (this.call?.recording.state === 'asked') {
      this.call.recording.respond(accepted);
    }
  }

  private readonly toggleList = (): void => {
    this.listOpen = !this.listOpen;
    this.host.requestUpdate();
    if (this.listOpen) {
      void this.openList().then(
        (list) => list.refresh(),
        () => this.tell(this.failedText),
      );
    }
  };

  private get failedText(): string {
    return this.input.strings().recordingActionFailed;
  }

  private tell(notice: string): void {
    this.notice = notice;
    this.host.requestUpdate();
  }

  private async openList(): Promise<RecordingsList> {
    const { RecordingsList } = await import('./bb-session.recordings-list.js');
    this.list ??= new RecordingsList({
      strings: this.input.strings,
      update: () => this.host.requestUpdate(),
      tell: (notice) => this.tell(notice),
    });
    return this.list;
  }
}
