import type { PasswordProblemReason } from '@bilateral-base/core/password';

/** What the policy said about the current value; never the value itself. */
export interface BbPasswordVerdictDetail {
  /** True when the password meets the policy (always true with `purpose="current"`). */
  readonly acceptable: boolean;
  /** zxcvbn's estimate, 0 (guessed at once) to 4 (very hard to guess); 0 when empty. */
  readonly score: 0 | 1 | 2 | 3 | 4;
  /** Why it is not acceptable, if it is not. */
  readonly reasons: readonly PasswordProblemReason[];
}

/** Fired by `<bb-password-field>` after each change of its value has been checked. */
export type BbPasswordVerdictEvent = CustomEvent<BbPasswordVerdictDetail>;

export function createPasswordVerdictEvent(
  detail: BbPasswordVerdictDetail,
): BbPasswordVerdictEvent {
  return new CustomEvent('bb-password-verdict', { detail, bubbles: true, composed: true });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'bb-password-verdict': BbPasswordVerdictEvent;
  }
}
