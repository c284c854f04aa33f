import { isBbError } from '@bilateral-base/core/errors';
import { TicketSchema } from '@bilateral-base/core/protocol';
import type { TicketClaims, TicketSigner } from '../crypto/tickets.js';
import type { RoomRegistry } from '../storage/room-registry.js';
import { policyEnding, type SocketEnding } from './refusal.js';

export type Admission =
  | { readonly ok: true; readonly claims: TicketClaims }
  | { readonly ok: false; readonly ending: SocketEnding };

export interface AdmissionDeps {
  readonly peerKey: string;
  readonly signer: TicketSigner;
  readonly registry: RoomRegistry;
}

/**
 * Checks the query of a PeerJS socket URL (`?key=&id=&token=&version=`) before the
 * socket is admitted. The slot (single use, one per role) is claimed afterwards, in the
 * same turn of the event loop as the socket's creation.
 */
export async function admit(query: URLSearchParams, deps: AdmissionDeps): Promise<Admission> {
  if (query.get('key') !== deps.peerKey) {
    return refuse('BB_ERR_PEER_KEY_INVALID', 'the PeerJS key is not the one this server uses');
  }
  const token = query.get('token');
  if (token === null || token === '') {
    return refuse('BB_ERR_TICKET_MISSING', 'connect with the ticket from POST /v1/tickets');
  }
  if (!TicketSchema.safeParse(token).success) {
    return refuse('BB_ERR_TICKET_INVALID', 'the ticket is malformed');
  }
  let claims: TicketClaims;
  try {
    claims = deps.signer.verify(token);
  } catch (error) {
    if (isBbError(error, 'BB_ERR_TICKET_INVALID')) {
      return refuse('BB_ERR_TICKET_INVALID', 'the ticket is malformed or its signature is wrong');
    }
    throw error;
  }
  if (query.get('id') !== claims.peerId) {
    return refuse('BB_ERR_PEER_ID_MISMATCH', 'use the peer id that came with the ticket');
  }
  const room = await deps.registry.find(claims.roomId);
  if (room === undefined || room.revokedAt !== null) {
    return refuse('BB_ERR_ROOM_UNKNOWN', 'the session link is unknown or was revoked');
  }
  return { ok: true, claims };
}

function refuse(code: SocketEnding['code'], message: string): Admission {
  return { ok: false, ending: policyEnding(code, message) };
}
