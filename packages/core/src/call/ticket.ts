import { BbError } from '../errors/index.js';
import type { SessionLink } from '../links/index.js';
import {
  TicketResponseSchema,
  type ClientTicketRequest,
  type TicketResponse,
} from '../protocol/index.js';
import type { ResolvedCallOptions } from './options.js';
import { postToSignal } from './signal-api.js';

/** Asks bb-signal for a client ticket, showing the proof derived from the link key. */
export async function fetchClientTicket(
  fetchImpl: typeof globalThis.fetch,
  signalUrl: string,
  link: SessionLink,
): Promise<TicketResponse> {
  const body: ClientTicketRequest = { role: 'client', roomId: link.roomId, proof: link.proof };
  return postToSignal(
    fetchImpl,
    signalUrl,
    'v1/tickets',
    { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    TicketResponseSchema,
    'ticket',
  );
}

/** The ticket a call connects with: the host's own, or a client ticket for the link. */
export async function obtainTicket(options: ResolvedCallOptions): Promise<TicketResponse> {
  const { hostTicket, link, fetch, signalUrl, role, roomId } = options;
  if (hostTicket === undefined && link === undefined) {
    throw new BbError('BB_ERR_INVALID_ARGUMENT', 'A call needs a link or a host ticket');
  }
  const ticket = hostTicket ?? (await fetchClientTicket(fetch, signalUrl, link as SessionLink));
  if (ticket.role !== role || ticket.roomId !== roomId) {
    throw new BbError(
      'BB_ERR_SIGNAL_RESPONSE_INVALID',
      'The ticket is for another role or room than this call',
    );
  }
  return ticket;
}
