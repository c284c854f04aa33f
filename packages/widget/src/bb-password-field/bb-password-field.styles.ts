import { css } from 'lit';

/** Plain and themeable through `--bb-password-field-*`; the platform font, nothing loaded. */
export const bbPasswordFieldStyles = css`
  :host {
    display: block;
    font: inherit;
  }

  :host([hidden]) {
    display: none;
  }

  .base {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }

  .row {
    display: flex;
    gap: 8px;
  }

  input {
    flex: 1;
    min-width: 0;
    font: inherit;
    padding: 8px;
    border: 1px solid var(--bb-password-field-border, #71717a);
    border-radius: var(--bb-password-field-radius, 6px);
  }

  button {
    font: inherit;
    padding: 8px 12px;
    border: 1px solid var(--bb-password-field-border, #71717a);
    border-radius: var(--bb-password-field-radius, 6px);
    background: transparent;
    color: inherit;
    cursor: pointer;
  }

  input:focus-visible,
  button:focus-visible {
    outline: 3px solid var(--bb-password-field-focus-ring, #2563eb);
    outline-offset: 2px;
  }

  meter {
    width: 100%;
    height: 10px;
  }

  p,
  ul {
    margin: 0;
  }

  ul {
    padding-left: 1.2em;
  }

  .problem {
    color: var(--bb-password-field-problem, #b91c1c);
  }

  .advice {
    color: var(--bb-password-field-muted, #52525b);
  }
`;
