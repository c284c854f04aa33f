import { BbError } from '../errors/index.js';
import type { SessionLink } from '../links/index.js';
import {
  ErrorResponseSchema,
  TicketResponseSchema,
  type ClientTicketRequest,
  type TicketResponse,
} from '../protocol/index.js';
import type { ResolvedCallOptions } from './options.js';
import { signalApiUrl } from './peer-options.js';

/** How long a ticket request may take before the server counts as unreachable. */
export const TICKET_TIMEOUT_MS = 15_000;

/**
 * Asks bb-signal for a client ticket, showing the proof derived from the link key.
 *
 * The proof goes in the body of a POST, never in the URL, so it stays out of server and
 * proxy access logs. The answer is parsed with the shared schema: a server that answers
 * something else is not trusted.
 */
export async function fetchClientTicket(
  fetchImpl: typeof globalThis.fetch,
  signalUrl: string,
  link: SessionLink,
): Promise<TicketResponse> {
  const body: ClientTicketRequest = { role: 'client', roomId: link.roomId, proof: link.proof };
  let response: Response;
  try {
    response = await fetchImpl(signalApiUrl(signalUrl, 'v1/tickets'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(TICKET_TIMEOUT_MS),
    });
  } catch (cause) {
    throw new BbError('BB_ERR_SIGNAL_UNREACHABLE', 'The signalling server could not be reached', {
      cause,
    });
  }
  const json = await readJson(response);
  if (!response.ok) {
    throw ticketError(response.status, json);
  }
  const parsed = TicketResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new BbError(
      'BB_ERR_SIGNAL_RESPONSE_INVALID',
      'The signalling server answered the ticket request with an unexpected body',
      { cause: parsed.error },
    );
  }
  return parsed.data;
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

/** The JSON body of `response`, or undefined when it has none. */
export async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** Turns a non-2xx answer into the server's own code, or a generic one by status. */
export function ticketError(status: number, json: unknown, request = 'ticket'): BbError {
  const parsed = ErrorResponseSchema.safeParse(json);
  if (parsed.success) {
    return new BbError(parsed.data.error.code, parsed.data.error.message);
  }
  if (status >= 500) {
    return new BbError(
      'BB_ERR_SIGNAL_UNREACHABLE',
      `The signalling server failed to answer the ${request} request (HTTP ${status})`,
    );
  }
  return new BbError(
    'BB_ERR_SIGNAL_REFUSED',
    `The signalling server refused the ticket request (HTTP ${status})`,
  );
}
