import { hashProof } from '@bilateral-base/core/links';
import { TicketRequestSchema, type Role, type TicketResponse } from '@bilateral-base/core/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AccountService } from '../accounts/account-service.js';
import type { SignalConfig } from '../config/options.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { derivePeerId, otherRole } from '../crypto/peer-id.js';
import type { TicketSigner } from '../crypto/tickets.js';
import type { OriginPolicy } from '../origin-policy.js';
import type { AccountStore } from '../storage/account-store.js';
import type { RoomRegistry } from '../storage/room-registry.js';
import { requireApiKey } from './api-key.js';
import { HttpError, parseBody } from './http-error.js';
import { requireBrowserOrigin, requireSession, sessionToken } from './session-cookie.js';

export interface TicketsRoutesDeps {
  readonly config: Pick<SignalConfig, 'apiKeys' | 'ticketTtlSeconds' | 'sessionMaxSeconds' | 'now'>;
  readonly signer: TicketSigner;
  readonly peerIdSecret: Uint8Array;
  readonly registry: RoomRegistry;
  readonly accounts: AccountService;
  readonly store: AccountStore;
  readonly origins: OriginPolicy;
  readonly log: Logger;
}

/**
 * Compared against when the room is unknown or revoked, so that case costs the same
 * hash and comparison as a wrong proof. It is the hash of no proof anyone can hold.
 */
const UNMATCHABLE_HASH = '!'.repeat(43);

/**
 * `POST /v1/tickets`. A client shows its link's proof. A host request carries either
 * the API key (the integrator's backend, any registered room) or the `bb_session`
 * cookie of a logged-in therapist (only rooms of that therapist's own client profiles;
 * any other room answers 404 exactly like an unknown one). An unknown room, a revoked
 * room and a wrong proof get the same 403 answer for clients, so the endpoint cannot be
 * used to learn which room ids exist.
 */
export function registerTicketsRoutes(app: FastifyInstance, deps: TicketsRoutesDeps): void {
  const { config, log } = deps;

  const issue = (roomId: string, role: Role): TicketResponse => {
    const peerId = derivePeerId(deps.peerIdSecret, roomId, role);
    const { ticket, claims } = deps.signer.issue({
      roomId,
      role,
      peerId,
      now: config.now(),
      ttlSeconds: config.ticketTtlSeconds,
      sessionMaxSeconds: config.sessionMaxSeconds,
    });
    log.info({ roomId, role }, 'ticket issued');
    return {
      ticket,
      roomId,
      role,
      peerId,
      remotePeerId: derivePeerId(deps.peerIdSecret, roomId, otherRole(role)),
      expiresAt: claims.exp,
    };
  };

  app.post('/v1/tickets', async (request, reply) => {
    const body = parseBody(TicketRequestSchema, request.body);
    let therapistId: string | undefined;
    if (body.role === 'host') {
      if (request.headers.authorization === undefined && sessionToken(request) !== undefined) {
        requireBrowserOrigin(request, deps.origins);
        therapistId = requireSession(request, deps.accounts).therapist.id;
      } else {
        requireApiKey(request, config.apiKeys);
      }
    }
    const room = await deps.registry.find(body.roomId);
    const usable = room !== undefined && room.revokedAt === null;
    if (body.role === 'host') {
      const owned =
        therapistId === undefined || deps.store.ownerOfRoom(body.roomId) === therapistId;
      if (!usable || !owned) {
        throw new HttpError(
          404,
          'BB_ERR_ROOM_UNKNOWN',
          'No session is registered for this room id',
        );
      }
    } else {
      const matches = constantTimeEqual(
        proofHashOrNothing(body.proof),
        usable ? room.proofHash : UNMATCHABLE_HASH,
      );
      if (!usable || !matches) {
        log.info({ code: 'BB_ERR_PROOF_INVALID' }, 'client ticket refused');
        throw new HttpError(
          403,
          'BB_ERR_PROOF_INVALID',
          'No usable session link matches this room id and proof',
        );
      }
    }
    return reply.code(200).header('cache-control', 'no-store').send(issue(body.roomId, body.role));
  });
}

/** The proof's hash, or a value no stored hash equals when the proof cannot be decoded. */
function proofHashOrNothing(proof: string): string {
  try {
    return hashProof(proof);
  } catch {
    return '';
  }
}
