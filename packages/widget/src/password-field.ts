// `<bb-password-field>` on its own entry, so that `<bb-session>` pages never carry it,
// and it never carries the password policy until it is first used (a dynamic import).
import './bb-password-field/bb-password-field.define.js';

export {
  BbPasswordField,
  type PasswordFieldPurpose,
} from './bb-password-field/bb-password-field.js';
export {
  createPasswordVerdictEvent,
  type BbPasswordVerdictDetail,
  type BbPasswordVerdictEvent,
} from './events/bb-password-verdict.js';
