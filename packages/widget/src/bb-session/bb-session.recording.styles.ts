import { css } from 'lit';

/**
 * The recording parts of `<bb-session>`. Colours come from the component's documented
 * custom properties, so a theme reaches these parts too.
 */
export const recordingStyles = css`
  .recording-indicator {
    position: absolute;
    top: 12px;
    left: 12px;
    z-index: 2;
    margin: 0;
  }

  .recording-indicator.on {
    padding: 4px 10px;
    border-radius: 999px;
    color: #fff;
    background: var(--bb-session-danger-background, #b91c1c);
    font-weight: 600;
  }

  .recording-indicator.on::before {
    content: '';
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    margin-right: 0.4em;
    border-radius: 50%;
    background: currentColor;
  }

  .consent {
    padding: 12px 16px;
    border: 2px solid var(--bb-session-danger-background, #b91c1c);
    border-radius: calc(var(--bb-session-radius, 12px) * 0.75);
  }

  .consent h2 {
    margin: 0 0 8px;
    font-size: 1.1em;
  }

  .consent[hidden],
  .recordings[hidden] {
    display: none;
  }

  .recording-notice:empty {
    display: none;
  }

  .recordings ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .recordings li {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
    padding: 4px 0;
  }

  .recordings li span {
    flex: 1 1 auto;
  }
`;
