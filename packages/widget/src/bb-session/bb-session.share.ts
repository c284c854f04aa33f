import type { Role, ScreenShareState } from '@bilateral-base/core';
import { html, type TemplateResult } from 'lit';
import type { BbSessionStrings } from './bb-session.strings.js';

/** How the other person's shared screen fits the stage: whole (`contain`) or filling it. */
export type ShareFit = 'contain' | 'cover';

/** What the share parts of `<bb-session>` render from, and the handlers they call. */
export interface ShareView {
  readonly strings: BbSessionStrings;
  readonly state: ScreenShareState;
  readonly role: Role | undefined;
  /** The call is connected, so a share may start. */
  readonly canStart: boolean;
  /** The integrator set `shareElement` and this browser can share one element. */
  readonly canShareElement: boolean;
  readonly fit: ShareFit;
  /** A share failure to tell the user, or an empty string. */
  readonly notice: string;
  start(element: boolean): void;
  togglePause(): void;
  stop(): void;
  stopRemote(): void;
  toggleFit(): void;
  fullScreen(): void;
}

/**
 * The other person's shared screen and its paused overlay, inside the stage. Both stay in
 * the document, hidden, so parts exist before a share starts and live regions announce.
 */
export function renderRemoteShare(view: ShareView): TemplateResult {
  const receiving = view.state === 'remote' || view.state === 'remote-paused';
  const paused = view.state === 'remote-paused';
  return html`
    <video
      part="share-video"
      class="share-video ${view.fit}"
      aria-label=${view.strings.remoteScreen}
      ?hidden=${!receiving}
      autoplay
      playsinline
      muted
    ></video>
    <p
      part="share-paused"
      class="share-paused ${paused ? 'shown' : ''}"
      role="status"
      aria-live="polite"
      data-state=${view.state}
    >
      ${paused ? view.strings.sharePausedByOther : ''}
    </p>
  `;
}

/** The sharer's preview of exactly the track it sends. */
export function renderSharePreview(view: ShareView): TemplateResult {
  const sharing = view.state === 'local' || view.state === 'local-paused';
  const { sharePreview, sharePausedPreview } = view.strings;
  return html`
    <figure part="share-preview-frame" class="share-preview-frame" ?hidden=${!sharing}>
      <video
        part="share-preview"
        class="share-preview"
        aria-label=${view.strings.sharePreview}
        autoplay
        playsinline
        muted
      ></video>
      <figcaption>${view.state === 'local-paused' ? sharePausedPreview : sharePreview}</figcaption>
    </figure>
  `;
}

/** The share buttons, beside the call's own controls. */
export function renderShareControls(view: ShareView): TemplateResult {
  const { strings, state } = view;
  const sharing = state === 'local' || state === 'local-paused';
  const receiving = state === 'remote' || state === 'remote-paused';
  return html`
    <button
      part="control share-button"
      class="share"
      type="button"
      aria-label=${strings.shareScreen}
      ?hidden=${sharing}
      ?disabled=${!view.canStart || receiving}
      @click=${() => view.start(false)}
    >
      ${strings.shareScreen}
    </button>
    <button
      part="control share-element-button"
      class="share-element"
      type="button"
      aria-label=${strings.sharePartOfPage}
      ?hidden=${sharing || !view.canShareElement}
      ?disabled=${!view.canStart || receiving}
      @click=${() => view.start(true)}
    >
      ${strings.sharePartOfPage}
    </button>
    <button
      part="control share-pause-button"
      class="share-pause"
      type="button"
      aria-label=${strings.pauseShare}
      aria-pressed=${state === 'local-paused' ? 'true' : 'false'}
      ?hidden=${!sharing}
      @click=${view.togglePause}
    >
      ${strings.pauseShare}
    </button>
    <button
      part="control share-stop-button"
      class="share-stop"
      type="button"
      aria-label=${strings.stopShare}
      ?hidden=${!sharing}
      @click=${view.stop}
    >
      ${strings.stopShare}
    </button>
    <button
      part="control share-fit-button"
      class="share-fit"
      type="button"
      aria-label=${strings.fillView}
      aria-pressed=${view.fit === 'cover' ? 'true' : 'false'}
      ?hidden=${!receiving}
      @click=${view.toggleFit}
    >
      ${strings.fillView}
    </button>
    <button
      part="control fullscreen-button"
      class="fullscreen"
      type="button"
      aria-label=${strings.fullScreen}
      ?hidden=${!receiving}
      @click=${view.fullScreen}
    >
      ${strings.fullScreen}
    </button>
    <button
      part="control share-stop-remote-button"
      class="share-stop-remote"
      type="button"
      aria-label=${strings.stopRemoteShare}
      ?hidden=${!receiving || view.role !== 'host'}
      @click=${view.stopRemote}
    >
      ${strings.stopRemoteShare}
    </button>
    <p part="share-notice" class="share-notice" role="status" aria-live="polite">${view.notice}</p>
  `;
}
