import { BbError } from '../errors/index.js';

/**
 * The states of a session call, in the order a successful call passes through them.
 *
 * - `idle`: constructed, `join()` not called yet.
 * - `connecting`: fetching the ticket and the camera, opening the signalling socket, or
 *   opening the control channel to the other participant.
 * - `waiting`: on the signalling server, the other participant is not there yet.
 * - `verifying`: the control channel is open and the peers prove to each other that they
 *   see the same DTLS certificates (RFC 8827 section 6.5); see verification/.
 * - `connected`: verified; media is exchanged.
 * - `reconnecting`: the connection was interrupted (ICE `disconnected` or `failed`, a
 *   silent heartbeat, or the other side's page went away) and is being recovered: by an
 *   ICE restart, or by the other side dialling again, which is proven afresh
 *   (`verifying`). When that does not happen in time the call falls back to `waiting`.
 * - `ended`: left by either side. Final.
 * - `failed`: stopped by an error, reported with the `error` event. Final.
 */
export const CALL_STATES = [
  'idle',
  'connecting',
  'waiting',
  'verifying',
  'connected',
  'reconnecting',
  'ended',
  'failed',
] as const;

export type CallState = (typeof CALL_STATES)[number];

/**
 * The one table of legal transitions. Anything not listed here cannot happen: the state
 * machine throws instead of drifting into a combination nobody designed for.
 *
 * `connected`/`reconnecting` may fall back to `waiting` when the other participant
 * disappears without saying goodbye (tab closed, network lost), so they can come back
 * with the same link while this side keeps its place on the server.
 */
const TRANSITIONS: Readonly<Record<CallState, readonly CallState[]>> = {
  idle: ['connecting', 'ended', 'failed'],
  connecting: ['waiting', 'verifying', 'ended', 'failed'],
  waiting: ['connecting', 'verifying', 'ended', 'failed'],
  verifying: ['connected', 'waiting', 'ended', 'failed'],
  connected: ['reconnecting', 'waiting', 'ended', 'failed'],
  reconnecting: ['connected', 'verifying', 'waiting', 'ended', 'failed'],
  ended: [],
  failed: [],
};

/** True when the table allows going from `from` to `to`. */
export function canTransition(from: CallState, to: CallState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** True for `ended` and `failed`, which nothing leaves. */
export function isFinalState(state: CallState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** Holds the current state and refuses any move the table does not allow. */
export class CallStateMachine {
  private current: CallState = 'idle';

  get state(): CallState {
    return this.current;
  }

  /** Moves to `next` and returns the previous state; throws `BB_ERR_CALL_STATE` if illegal. */
  transition(next: CallState): CallState {
    const previous = this.current;
    if (!canTransition(previous, next)) {
      throw new BbError('BB_ERR_CALL_STATE', `A call cannot go from "${previous}" to "${next}"`);
    }
    this.current = next;
    return previous;
  }
}
