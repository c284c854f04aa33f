import { css } from 'lit';

/**
 * Every colour and size comes from a `--bb-session-*` custom property with a default,
 * so a practice site can theme the component without reaching into its shadow root.
 * The font is the platform's own: the component loads nothing from the network.
 */
export const bbSessionStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    color: var(--bb-session-foreground, #f4f4f5);
    background: var(--bb-session-background, #18181b);
    border-radius: var(--bb-session-radius, 12px);
    font-family: var(--bb-session-font-family, system-ui, sans-serif);
    overflow: hidden;
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    display: flex;
    flex-direction: column;
    gap: var(--bb-session-gap, 12px);
    padding: var(--bb-session-padding, 12px);
  }

  .stage {
    position: relative;
    aspect-ratio: var(--bb-session-aspect-ratio, 16 / 9);
    background: var(--bb-session-stage-background, #000);
    border-radius: calc(var(--bb-session-radius, 12px) * 0.75);
    overflow: hidden;
  }

  video {
    display: block;
    object-fit: cover;
    background: transparent;
  }

  .remote {
    width: 100%;
    height: 100%;
    object-fit: var(--bb-session-remote-fit, contain);
  }

  .self {
    position: absolute;
    right: 12px;
    bottom: 12px;
    width: var(--bb-session-self-view-width, 24%);
    aspect-ratio: 4 / 3;
    border: 2px solid var(--bb-session-self-view-border, rgba(255, 255, 255, 0.6));
    border-radius: calc(var(--bb-session-radius, 12px) * 0.5);
    /* A mirror image is what people expect of their own face. */
    transform: scaleX(-1);
  }

  .share-video {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: contain;
    background: var(--bb-session-stage-background, #000);
  }

  .share-video.cover {
    object-fit: cover;
  }

  /* While a share is shown, the other person's camera moves to a small corner view. */
  .stage.receiving .remote {
    position: absolute;
    top: 12px;
    right: 12px;
    z-index: 1;
    width: var(--bb-session-share-camera-width, 22%);
    height: auto;
    aspect-ratio: 4 / 3;
    border-radius: calc(var(--bb-session-radius, 12px) * 0.5);
    background: #000;
  }

  .stage.receiving .self {
    z-index: 1;
  }

  .share-paused {
    position: absolute;
    inset: 0;
    z-index: 2;
    display: none;
    margin: 0;
    place-items: center;
    font-size: 1.25rem;
    color: var(--bb-session-paused-foreground, #f4f4f5);
    background: var(--bb-session-paused-background, rgba(24, 24, 27, 0.92));
  }

  .share-paused.shown {
    display: grid;
  }

  .share-preview-frame {
    margin: 0;
    align-self: center;
    width: var(--bb-session-share-preview-width, 40%);
    font-size: 0.875rem;
    text-align: center;
  }

  .share-preview {
    width: 100%;
    aspect-ratio: 16 / 9;
    object-fit: contain;
    background: #000;
    border: 2px solid var(--bb-session-share-preview-border, #fbbf24);
    border-radius: calc(var(--bb-session-radius, 12px) * 0.5);
  }

  .share-notice {
    flex-basis: 100%;
    margin: 0;
    text-align: center;
  }

  [hidden] {
    display: none !important;
  }

  .status {
    margin: 0;
    min-height: 1.5em;
    font-size: var(--bb-session-status-font-size, 1rem);
  }

  .signal-notice {
    margin: 0;
    font-size: 0.875em;
  }

  .signal-notice:empty {
    display: none;
  }

  .status.failed {
    color: var(--bb-session-danger, #fca5a5);
  }

  .relay-indicator {
    position: absolute;
    top: 12px;
    left: 12px;
    max-width: 70%;
    margin: 0;
    font-size: 0.875rem;
  }

  .relay-indicator.relayed {
    padding: 4px 10px;
    border-radius: var(--bb-session-control-radius, 999px);
    color: var(--bb-session-relay-foreground, #dcfce7);
    background: var(--bb-session-relay-background, #14532d);
  }

  .safety-code,
  .security-summary,
  .frame-encryption-notice {
    margin: 0;
    text-align: center;
    font-size: 0.875rem;
  }

  .safety-code-digits {
    margin: 0 0.5em;
    font-size: 1.25rem;
    letter-spacing: 0.15em;
    font-variant-numeric: tabular-nums;
  }

  .controls {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    justify-content: center;
  }

  button {
    min-height: var(--bb-session-control-size, 44px);
    padding: 0 16px;
    border: 1px solid var(--bb-session-control-border, rgba(255, 255, 255, 0.4));
    border-radius: var(--bb-session-control-radius, 999px);
    color: inherit;
    background: var(--bb-session-control-background, #3f3f46);
    font: inherit;
    cursor: pointer;
  }

  button[aria-pressed='true'] {
    background: var(--bb-session-control-pressed-background, #f4f4f5);
    color: var(--bb-session-control-pressed-foreground, #18181b);
  }

  button.leave {
    background: var(--bb-session-danger-background, #b91c1c);
    border-color: transparent;
    color: #fff;
  }

  button:focus-visible {
    outline: 3px solid var(--bb-session-focus-ring, #93c5fd);
    outline-offset: 2px;
  }

  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
`;
