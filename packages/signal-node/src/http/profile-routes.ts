import { randomUUID } from 'node:crypto';
import {
  confidentialIdProblem,
  CreateLinkRequestSchema,
  ProfileRequestSchema,
  type Profile,
  type ProfileListResponse,
} from '@bilateral-base/core/accounts';
import { RoomIdSchema } from '@bilateral-base/core/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AccountService } from '../accounts/account-service.js';
import type { OriginPolicy } from '../origin-policy.js';
import type { AccountStore, ProfileRecord } from '../storage/account-store.js';
import { HttpError, parseBody } from './http-error.js';
import { requireBrowserOrigin, requireSession } from './session-cookie.js';

export interface ProfileRoutesDeps {
  readonly accounts: AccountService;
  readonly store: AccountStore;
  readonly origins: OriginPolicy;
  readonly now: () => number;
  readonly closeRoom: (roomId: string) => number;
  readonly log: Logger;
}

const PROFILE_ID = /^[0-9a-f-]{36}$/;

function toProfile(record: ProfileRecord): Profile {
  return {
    id: record.id,
    confidentialId: record.confidentialId,
    createdAt: record.createdAt,
    links: record.links.map((link) => ({ roomId: link.roomId, createdAt: link.createdAt })),
  };
}

function confidentialId(body: unknown): string {
  const { confidentialId: value } = parseBody(ProfileRequestSchema, body);
  const problem = confidentialIdProblem(value);
  if (problem !== undefined) {
    throw new HttpError(400, 'BB_ERR_CONFIDENTIAL_ID_REJECTED', problem, [
      { path: 'confidentialId', message: problem },
    ]);
  }
  return value.trim();
}

const profileNotFound = () => new HttpError(404, 'BB_ERR_NOT_FOUND', 'No such client profile');
const linkNotFound = () =>
  new HttpError(404, 'BB_ERR_ROOM_UNKNOWN', 'No usable link of yours has this room id');
const roomTaken = () =>
  new HttpError(409, 'BB_ERR_ROOM_CONFLICT', 'This room id is already registered; make a new link');

function profileId(request: FastifyRequest<{ Params: { id: string } }>): string {
  if (!PROFILE_ID.test(request.params.id)) {
    throw profileNotFound();
  }
  return request.params.id;
}

function roomId(request: FastifyRequest<{ Params: { roomId: string } }>): string {
  const parsed = RoomIdSchema.safeParse(request.params.roomId);
  if (!parsed.success) {
    throw linkNotFound();
  }
  return parsed.data;
}

/**
 * `/v1/profiles` (anonymous client profiles) and their links. A link is made in the
 * therapist's browser; only its room id and proof hash arrive here. Every query is
 * scoped by the logged-in therapist, so another therapist's profile answers 404.
 */
export function registerProfileRoutes(app: FastifyInstance, deps: ProfileRoutesDeps): void {
  const { accounts, store, log } = deps;
  const guard = async (request: FastifyRequest) => requireBrowserOrigin(request, deps.origins);
  const closeAll = (roomIds: readonly string[]) =>
    roomIds.reduce((sum, id) => sum + deps.closeRoom(id), 0);

  app.get('/v1/profiles', async (request, reply) => {
    const { therapist } = requireSession(request, accounts);
    const body: ProfileListResponse = { profiles: store.listProfiles(therapist.id).map(toProfile) };
    return reply.header('cache-control', 'no-store').send(body);
  });

  app.post('/v1/profiles', { onRequest: guard }, async (request, reply) => {
    const { therapist } = requireSession(request, accounts);
    const id = randomUUID();
    store.createProfile(id, therapist.id, confidentialId(request.body), deps.now());
    log.info({ therapistId: therapist.id, profileId: id }, 'profile created');
    const created = store.findProfile(id, therapist.id);
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send(created && toProfile(created));
  });

  app.patch<{ Params: { id: string } }>(
    '/v1/profiles/:id',
    { onRequest: guard },
    async (request, reply) => {
      const { therapist } = requireSession(request, accounts);
      const id = profileId(request);
      if (!store.renameProfile(id, therapist.id, confidentialId(request.body))) {
        throw profileNotFound();
      }
      const renamed = store.findProfile(id, therapist.id);
      return reply.header('cache-control', 'no-store').send(renamed && toProfile(renamed));
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/profiles/:id',
    { onRequest: guard },
    async (request, reply) => {
      const { therapist } = requireSession(request, accounts);
      const roomIds = store.deleteProfile(profileId(request), therapist.id);
      if (roomIds === undefined) {
        throw profileNotFound();
      }
      const closedSockets = closeAll(roomIds);
      log.info({ therapistId: therapist.id, closedSockets }, 'profile deleted');
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/profiles/:id/links',
    { onRequest: guard },
    async (request, reply) => {
      const { therapist } = requireSession(request, accounts);
      const id = profileId(request);
      const link = parseBody(CreateLinkRequestSchema, request.body);
      const outcome = store.addLink(id, therapist.id, link.roomId, link.proofHash, deps.now());
      if (outcome === 'no-profile') {
        throw profileNotFound();
      }
      if (outcome === 'conflict') {
        throw roomTaken();
      }
      log.info({ therapistId: therapist.id, roomId: link.roomId }, 'link created');
      return reply.code(201).header('cache-control', 'no-store').send({ roomId: link.roomId });
    },
  );

  app.post<{ Params: { roomId: string } }>(
    '/v1/links/:roomId/rotate',
    { onRequest: guard },
    async (request, reply) => {
      const { therapist } = requireSession(request, accounts);
      const oldRoomId = roomId(request);
      const next = parseBody(CreateLinkRequestSchema, request.body);
      const outcome = store.rotateLink(
        oldRoomId,
        therapist.id,
        next.roomId,
        next.proofHash,
        deps.now(),
      );
      if (outcome === 'unknown') {
        throw linkNotFound();
      }
      if (outcome === 'conflict') {
        throw roomTaken();
      }
      const closedSockets = deps.closeRoom(oldRoomId);
      log.info({ therapistId: therapist.id, roomId: next.roomId, closedSockets }, 'link rotated');
      return reply.code(201).header('cache-control', 'no-store').send({ roomId: next.roomId });
    },
  );

  app.delete<{ Params: { roomId: string } }>(
    '/v1/links/:roomId',
    { onRequest: guard },
    async (request, reply) => {
      const { therapist } = requireSession(request, accounts);
      const id = roomId(request);
      if (!store.revokeLink(id, therapist.id, deps.now())) {
        throw linkNotFound();
      }
      const closedSockets = deps.closeRoom(id);
      log.info({ therapistId: therapist.id, roomId: id, closedSockets }, 'link revoked');
      return reply.code(204).send();
    },
  );
}
