import { BbPasswordField } from './bb-password-field.js';

/** Registers `<bb-password-field>` unless another copy of the widget already did. */
if (customElements.get('bb-password-field') === undefined) {
  customElements.define('bb-password-field', BbPasswordField);
}

declare global {
  interface HTMLElementTagNameMap {
    'bb-password-field': BbPasswordField;
  }
}
