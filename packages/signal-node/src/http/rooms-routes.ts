import {
  RegisterRoomRequestSchema,
  RoomIdSchema,
  type RegisterRoomResponse,
} from '@bilateral-base/core/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RoomRegistry } from '../storage/room-registry.js';
import { requireApiKey } from './api-key.js';
import { HttpError, parseBody } from './http-error.js';

export interface RoomsRoutesDeps {
  readonly apiKeys: readonly string[];
  readonly registry: RoomRegistry;
  readonly now: () => number;
  /** Ends the live sockets of a revoked room; returns how many. */
  readonly closeRoom: (roomId: string) => number;
  readonly log: Logger;
}

/** `POST /v1/rooms` and `DELETE /v1/rooms/:roomId`, both for the integrator's backend. */
export function registerRoomsRoutes(app: FastifyInstance, deps: RoomsRoutesDeps): void {
  const authenticate = async (request: Parameters<typeof requireApiKey>[0]) =>
    requireApiKey(request, deps.apiKeys);

  app.post('/v1/rooms', { onRequest: authenticate }, async (request, reply) => {
    const { roomId, proofHash } = parseBody(RegisterRoomRequestSchema, request.body);
    const outcome = await deps.registry.register(roomId, proofHash, deps.now());
    if (outcome === 'conflict') {
      throw new HttpError(
        409,
        'BB_ERR_ROOM_CONFLICT',
        'This room id is already registered with a different proof hash',
      );
    }
    if (outcome === 'revoked') {
      throw new HttpError(
        409,
        'BB_ERR_ROOM_CONFLICT',
        'This room id was revoked; a rotated link has a new room id',
      );
    }
    const created = outcome === 'created';
    if (created) {
      deps.log.info({ roomId }, 'room registered');
    }
    const body: RegisterRoomResponse = { roomId, created };
    return reply
      .code(created ? 201 : 200)
      .header('cache-control', 'no-store')
      .send(body);
  });

  app.delete<{ Params: { roomId: string } }>(
    '/v1/rooms/:roomId',
    { onRequest: authenticate },
    async (request, reply) => {
      const parsed = RoomIdSchema.safeParse(request.params.roomId);
      if (!parsed.success) {
        throw new HttpError(400, 'BB_ERR_BAD_REQUEST', 'The room id is malformed', [
          { path: 'roomId', message: 'must be a 22-character room id' },
        ]);
      }
      const roomId = parsed.data;
      if (!(await deps.registry.revoke(roomId, deps.now()))) {
        throw new HttpError(
          404,
          'BB_ERR_ROOM_UNKNOWN',
          'No session is registered for this room id',
        );
      }
      const closed = deps.closeRoom(roomId);
      deps.log.info({ roomId, closedSockets: closed }, 'room revoked');
      return reply.code(204).send();
    },
  );
}
