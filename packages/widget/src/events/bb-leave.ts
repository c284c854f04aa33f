/** Where a leave request came from; only the leave button for now. */
export interface BbLeaveDetail {
  readonly source: 'button';
}

/**
 * Fired by `<bb-session>` before it leaves because the user pressed the leave button.
 * Cancelable: call `preventDefault()` to keep the session (for example to ask for
 * confirmation first, then call `leave()` on the element).
 */
export type BbLeaveEvent = CustomEvent<BbLeaveDetail>;

export function createLeaveEvent(detail: BbLeaveDetail): BbLeaveEvent {
  return new CustomEvent('bb-leave', { detail, bubbles: true, composed: true, cancelable: true });
}

declare global {
  interface GlobalEventHandlersEventMap {
    'bb-leave': BbLeaveEvent;
  }
}
