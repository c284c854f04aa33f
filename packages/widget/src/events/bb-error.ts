import type { ErrorCode } from '@bilateral-base/core';

export interface BbErrorDetail {
  /** A stable `BB_ERR_...` code: branch on it. */
  readonly code: ErrorCode;
  /** A sentence for people; may change between releases. */
  readonly message: string;
}

/** Fired by `<bb-session>` when the call fails; the state becomes `failed`. */
export type BbErrorEvent = CustomEvent<BbErrorDetail>;

export function createErrorEvent(detail: BbErrorDetail): BbErrorEvent {
  return new CustomEvent('bb-error', { detail, bubbles: true, composed: true });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'bb-error': BbErrorEvent;
  }
}
