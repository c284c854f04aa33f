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
  const verified = verifyTicketToken(query.get('token'), deps.signer);
  if (!verified.ok) {
    return { ok: false, ending: policyEnding(verified.code, verified.message) };
  }
  const { claims } = verified;
  if (query.get('id') !== claims.peerId) {
    return refuse('BB_ERR_PEER_ID_MISMATCH', 'use the peer id that came with the ticket');
  }
  if (!(await roomIsUsable(deps.registry, claims.roomId))) {
    return refuse('BB_ERR_ROOM_UNKNOWN', 'the session link is unknown or was revoked');
  }
  return { ok: true, claims };
}

export type TicketVerdict =
  | { readonly ok: true; readonly claims: TicketClaims }
  | {
      readonly ok: false;
      readonly code: 'BB_ERR_TICKET_MISSING' | 'BB_ERR_TICKET_INVALID';
      readonly message: string;
    };

/**
 * Checks a ticket's presence, shape and signature: the part of admission shared by the
 * socket and by HTTP requests that authenticate with a ticket.
 */
export function verifyTicketToken(
  token: string | null | undefined,
  signer: TicketSigner,
): TicketVerdict {
  if (token === null || token === undefined || token === '') {
    return {
      ok: false,
      code: 'BB_ERR_TICKET_MISSING',
      message: 'present the ticket from POST /v1/tickets',
    };
  }
  if (!TicketSchema.safeParse(token).success) {
    return { ok: false, code: 'BB_ERR_TICKET_INVALID', message: 'the ticket is malformed' };
  }
  try {
    return { ok: true, claims: signer.verify(token) };
  } catch (error) {
    if (isBbError(error, 'BB_ERR_TICKET_INVALID')) {
      return {
        ok: false,
        code: 'BB_ERR_TICKET_INVALID',
        message: 'the ticket is malformed or its signature is wrong',
      };
    }
    throw error;
  }
}

/** True when the room is registered and not revoked. */
export async function roomIsUsable(registry: RoomRegistry, roomId: string): Promise<boolean> {
  const room = await registry.find(roomId);
  return room !== undefined && room.revokedAt === null;
}

function refuse(code: SocketEnding['code'], message: string): Admission {
  return { ok: false, ending: policyEnding(code, message) };
}
