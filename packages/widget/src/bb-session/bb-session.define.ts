import { BbSession } from './bb-session.js';

/** Registers `<bb-session>` unless another copy of the widget already did. */
if (customElements.get('bb-session') === undefined) {
  customElements.define('bb-session', BbSession);
}

declare global {
  interface HTMLElementTagNameMap {
    'bb-session': BbSession;
  }
}
