import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { HttpError, sendError } from './http-error.js';
import { RateLimitedError } from '../accounts/account-service.js';
import type { OriginPolicy } from '../origin-policy.js';
import { registerAccountRoutes, type AccountRoutesDeps } from './account-routes.js';
import { registerCors } from './cors.js';
import { registerProfileRoutes, type ProfileRoutesDeps } from './profile-routes.js';
import { registerRequestLimiter } from './request-limiter.js';
import { registerRoomsRoutes, type RoomsRoutesDeps } from './rooms-routes.js';
import { registerTicketsRoutes, type TicketsRoutesDeps } from './tickets-routes.js';
import { registerTurnRoutes, type TurnRoutesDeps } from './turn-routes.js';

export interface HttpAppDeps {
  readonly maxBodyBytes: number;
  readonly requestsPerMinute: number;
  readonly origins: OriginPolicy;
  readonly httpLog: Logger;
  readonly rooms: RoomsRoutesDeps;
  readonly tickets: TicketsRoutesDeps;
  readonly turn: TurnRoutesDeps;
  readonly account: AccountRoutesDeps;
  readonly profiles: ProfileRoutesDeps;
}

/**
 * The HTTP API on Fastify. Fastify's own logger is off (`logger: false`): its request
 * lines record the remote address and the full URL. One line per request is logged
 * instead, with the method, the route pattern (never the path with its ids or a query),
 * the status and the time.
 */
export function buildHttpApp(deps: HttpAppDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.maxBodyBytes,
    trustProxy: false,
    return503OnClosing: true,
  });
  const log = deps.httpLog;

  // JSON only: a text/plain body is a CORS "simple request" and has no use here.
  app.removeContentTypeParser('text/plain');

  registerCors(app, deps.origins);
  registerRequestLimiter(app, deps.requestsPerMinute);

  app.addHook('onResponse', async (request, reply) => {
    const fields = {
      method: request.method,
      route: request.routeOptions.url ?? '(unmatched)',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    };
    if (request.routeOptions.url === '/healthz') {
      log.debug(fields, 'request');
    } else {
      log.info(fields, 'request');
    }
  });

  app.setNotFoundHandler(async (_request, reply) =>
    sendError(reply, 404, 'BB_ERR_NOT_FOUND', 'No such route'),
  );

  app.setErrorHandler(async (error: FastifyError, _request, reply) => {
    if (error instanceof HttpError) {
      if (error.status === 401 && error.code !== 'BB_ERR_SESSION_REQUIRED') {
        reply.header('www-authenticate', 'Bearer');
      }
      if (error instanceof RateLimitedError) {
        reply.header('retry-after', String(error.retryAfterSeconds));
      }
      return sendError(reply, error.status, error.code, error.message, error.issues);
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(reply, 413, 'BB_ERR_PAYLOAD_TOO_LARGE', 'The request body is too large');
    }
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return sendError(reply, 415, 'BB_ERR_BAD_REQUEST', 'The body must be application/json');
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's parser errors (invalid JSON, empty body, bad length) land here; their
      // text may quote the body, so a fixed message is answered instead.
      const parsing = error instanceof SyntaxError || error.code?.startsWith('FST_ERR_CTP_');
      const message = parsing ? 'The request body is not valid JSON' : 'The request is malformed';
      return sendError(reply, 400, 'BB_ERR_BAD_REQUEST', message);
    }
    log.error({ err: { type: error.name, code: error.code } }, 'request failed');
    return sendError(reply, 500, 'BB_ERR_INTERNAL', 'The server failed unexpectedly');
  });

  app.get('/healthz', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );
  registerRoomsRoutes(app, deps.rooms);
  registerTicketsRoutes(app, deps.tickets);
  registerTurnRoutes(app, deps.turn);
  registerAccountRoutes(app, deps.account);
  registerProfileRoutes(app, deps.profiles);
  return app;
}
