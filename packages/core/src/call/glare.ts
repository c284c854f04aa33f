import type { Role } from '../protocol/index.js';

/** What this side does with a control connection the other participant opened. */
export type IncomingDecision = 'accept' | 'accept-and-drop-outgoing' | 'refuse';

/** Where this side's own outgoing control connection stands. */
export type OutgoingState = 'none' | 'pending' | 'open';

/**
 * The glare rule. Both participants dial each other as soon as they reach the server, so
 * two control connections can cross. The host's always wins:
 *
 * - the client accepts the host's connection and drops its own outgoing one, pending or
 *   not, so only one control channel survives;
 * - the host refuses the client's connection while its own outgoing one is pending or
 *   open. That cannot strand the client: the client is connected to the server (it just
 *   sent this offer), so the host's pending offer has been or will be delivered to it
 *   (the server flushes its queue for a peer when that peer connects, before it could
 *   ever answer EXPIRE).
 * - with no outgoing connection of its own (none was made, or it expired because the
 *   client was absent), the host accepts.
 */
export function decideIncoming(role: Role, outgoing: OutgoingState): IncomingDecision {
  if (role === 'client') {
    return outgoing === 'none' ? 'accept' : 'accept-and-drop-outgoing';
  }
  return outgoing === 'none' ? 'accept' : 'refuse';
}
