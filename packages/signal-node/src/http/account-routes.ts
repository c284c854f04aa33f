import {
  ChangePasswordRequestSchema,
  DeleteAccountRequestSchema,
  LoginRequestSchema,
  RegisterRequestSchema,
  type SessionResponse,
} from '@bilateral-base/core/accounts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AccountService, NewSession } from '../accounts/account-service.js';
import { parseScryptHash } from '../accounts/password-hasher.js';
import type { OriginPolicy } from '../origin-policy.js';
import type { AccountStore } from '../storage/account-store.js';
import { parseBody } from './http-error.js';
import {
  clearSessionCookie,
  requireBrowserOrigin,
  requireSession,
  setSessionCookie,
  type CookiePolicy,
} from './session-cookie.js';

export interface AccountRoutesDeps {
  readonly accounts: AccountService;
  readonly store: AccountStore;
  readonly origins: OriginPolicy;
  readonly cookie: CookiePolicy;
  /** Ends the live sockets of a room; returns how many. */
  readonly closeRoom: (roomId: string) => number;
  readonly log: Logger;
}

function address(request: FastifyRequest): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/**
 * `/v1/account` (register, change password, export, delete) and `/v1/session` (log in,
 * who am I, log out), for the therapist's browser with the `bb_session` cookie.
 */
export function registerAccountRoutes(app: FastifyInstance, deps: AccountRoutesDeps): void {
  const { accounts, cookie } = deps;
  const browserOnly = async (request: FastifyRequest) =>
    requireBrowserOrigin(request, deps.origins);

  const answerSession = (reply: FastifyReply, status: number, session: NewSession) => {
    setSessionCookie(reply, session.token, cookie);
    const { id, name, email, createdAt } = session.therapist;
    const body: SessionResponse = {
      therapist: { id, name, email, createdAt },
      expiresAt: session.expiresAt,
    };
    return reply.code(status).header('cache-control', 'no-store').send(body);
  };

  app.post('/v1/account', { onRequest: browserOnly }, async (request, reply) => {
    const { name, email, password } = parseBody(RegisterRequestSchema, request.body);
    return answerSession(reply, 201, await accounts.register(name, email, password));
  });

  app.post('/v1/session', { onRequest: browserOnly }, async (request, reply) => {
    const { email, password } = parseBody(LoginRequestSchema, request.body);
    return answerSession(reply, 200, await accounts.login(email, password, address(request)));
  });

  app.get('/v1/session', async (request, reply) => {
    const session = requireSession(request, accounts);
    const { id, name, email, createdAt } = session.therapist;
    const body: SessionResponse = {
      therapist: { id, name, email, createdAt },
      expiresAt: session.expiresAt,
    };
    return reply.header('cache-control', 'no-store').send(body);
  });

  app.delete('/v1/session', { onRequest: browserOnly }, async (request, reply) => {
    accounts.logout(requireSession(request, accounts));
    clearSessionCookie(reply, cookie);
    return reply.code(204).send();
  });

  app.post('/v1/account/password', { onRequest: browserOnly }, async (request, reply) => {
    const session = requireSession(request, accounts);
    const body = parseBody(ChangePasswordRequestSchema, request.body);
    const fresh = await accounts.changePassword(
      session,
      body.currentPassword,
      body.newPassword,
      address(request),
    );
    return answerSession(reply, 200, fresh);
  });

  app.get('/v1/account/export', async (request, reply) => {
    const session = requireSession(request, accounts);
    const { therapist } = session;
    const parameters = parseScryptHash(therapist.passwordHash)?.parameters;
    // The hash itself is left out: it is of no use to its owner, and a copy of it
    // outside the server would only give an attacker something to crack offline.
    const body = {
      exportedAt: new Date().toISOString(),
      therapist: {
        id: therapist.id,
        name: therapist.name,
        email: therapist.email,
        createdAt: therapist.createdAt,
        passwordHash: { stored: true, algorithm: 'scrypt', parameters },
      },
      sessions: deps.store.listSessions(therapist.id).map((stored) => ({
        createdAt: stored.createdAt,
        lastSeenAt: stored.lastSeenAt,
      })),
      clientProfiles: deps.store.listProfiles(therapist.id, true),
    };
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="bb-account-export.json"')
      .send(body);
  });

  app.delete('/v1/account', { onRequest: browserOnly }, async (request, reply) => {
    const session = requireSession(request, accounts);
    const { password } = parseBody(DeleteAccountRequestSchema, request.body);
    await accounts.confirmPassword(session.therapist, password, address(request));
    const roomIds = deps.store.deleteTherapist(session.therapist.id);
    const closed = roomIds.reduce((sum, roomId) => sum + deps.closeRoom(roomId), 0);
    deps.log.info(
      { therapistId: session.therapist.id, rooms: roomIds.length, closedSockets: closed },
      'account deleted',
    );
    clearSessionCookie(reply, cookie);
    return reply.code(204).send();
  });
}
