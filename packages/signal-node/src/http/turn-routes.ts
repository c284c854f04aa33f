import { isTurnUrl, type TurnCredentialsResponse } from '@bilateral-base/core/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { SignalConfig } from '../config/options.js';
import type { TicketSigner } from '../crypto/tickets.js';
import { mintTurnCredential } from '../crypto/turn-credentials.js';
import { roomIsUsable, verifyTicketToken } from '../socket/admission.js';
import type { SessionSlots } from '../socket/session-slots.js';
import type { RoomRegistry } from '../storage/room-registry.js';
import { bearerToken } from './api-key.js';
import { HttpError } from './http-error.js';

export interface TurnRoutesDeps {
  readonly config: Pick<
    SignalConfig,
    'turnUrls' | 'turnSecret' | 'turnCredentialTtlSeconds' | 'now'
  >;
  readonly signer: TicketSigner;
  readonly registry: RoomRegistry;
  readonly slots: SessionSlots;
  readonly log: Logger;
}

/**
 * `POST /v1/turn-credentials`: the ICE servers for the holder of a ticket, with a fresh
 * short-lived TURN credential when TURN is configured.
 *
 * The ticket goes in `Authorization: Bearer`, never in the URL, so it stays out of
 * access logs. It is judged as the socket judges it: a valid signature, a usable room,
 * and either still unused and unexpired or the ticket its role's slot is bound to (so a
 * participant in a call can get a new credential until its session ends). The answer
 * never holds anything the operator did not configure.
 */
export function registerTurnRoutes(app: FastifyInstance, deps: TurnRoutesDeps): void {
  const { config, log } = deps;
  const stunUrls = config.turnUrls.filter((url) => !isTurnUrl(url));
  const turnUrls = config.turnUrls.filter(isTurnUrl);

  app.post('/v1/turn-credentials', async (request, reply) => {
    const verdict = verifyTicketToken(bearerToken(request), deps.signer);
    if (!verdict.ok) {
      throw new HttpError(
        401,
        verdict.code,
        `Send Authorization: Bearer <ticket>; ${verdict.message}`,
      );
    }
    const { claims } = verdict;
    if (!(await roomIsUsable(deps.registry, claims.roomId))) {
      throw new HttpError(403, 'BB_ERR_ROOM_UNKNOWN', 'The session link is unknown or was revoked');
    }
    const now = config.now();
    const standing = deps.slots.standing(claims, now);
    if (!standing.ok) {
      throw new HttpError(403, standing.ending.code, standing.ending.message);
    }

    const iceServers: TurnCredentialsResponse['iceServers'] =
      stunUrls.length > 0 ? [{ urls: [...stunUrls] }] : [];
    let expiresAt = now + config.turnCredentialTtlSeconds * 1000;
    if (turnUrls.length > 0 && config.turnSecret !== undefined) {
      const minted = mintTurnCredential(config.turnSecret, now, config.turnCredentialTtlSeconds);
      iceServers.push({
        urls: [...turnUrls],
        username: minted.username,
        credential: minted.credential,
      });
      expiresAt = minted.expiresAt;
      log.info({ roomId: claims.roomId, role: claims.role }, 'turn credential issued');
    }
    const body: TurnCredentialsResponse = { iceServers, expiresAt };
    return reply.code(200).header('cache-control', 'no-store').send(body);
  });
}
