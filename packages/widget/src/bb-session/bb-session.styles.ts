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

  .status {
    margin: 0;
    min-height: 1.5em;
    font-size: var(--bb-session-status-font-size, 1rem);
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
