import type { CallState, CallStateReason } from '@bilateral-base/core';

export interface BbStateChangeDetail {
  readonly state: CallState;
  readonly previous: CallState;
  /** Why, for example `peer-lost` (see `CallStateReason` in core). */
  readonly reason?: CallStateReason | undefined;
}

/** Fired by `<bb-session>` whenever its call changes state. */
export type BbStateChangeEvent = CustomEvent<BbStateChangeDetail>;

export function createStateChangeEvent(detail: BbStateChangeDetail): BbStateChangeEvent {
  return new CustomEvent('bb-state-change', { detail, bubbles: true, composed: true });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'bb-state-change': BbStateChangeEvent;
  }
}
