import type { FastifyInstance } from 'fastify';
import type { OriginPolicy } from '../origin-policy.js';
import { HttpError } from './http-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CORS for the listed origins, and the Origin check on state-changing requests.
 *
 * Listed origins may send credentials: the therapist's pages carry the `bb_session`
 * cookie to the account routes and to host tickets. The cookie is SameSite=Strict, so
 * browsers send it only from the same site, and every cookie route that changes state
 * also requires a listed Origin (session-cookie.ts). A preflight from a listed origin is
 * answered here; one from another origin gets 403.
 */
export function registerCors(app: FastifyInstance, origins: OriginPolicy): void {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    const verdict = origins.judge(origin);
    reply.header('vary', 'Origin');
    if (verdict === 'allowed' && typeof origin === 'string') {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
    }
    if (verdict === 'forbidden' && !SAFE_METHODS.has(request.method)) {
      throw new HttpError(403, 'BB_ERR_ORIGIN_FORBIDDEN', 'This Origin may not call the API');
    }
    if (request.method !== 'OPTIONS' || verdict === 'absent') {
      return undefined;
    }
    if (verdict === 'forbidden') {
      throw new HttpError(403, 'BB_ERR_ORIGIN_FORBIDDEN', 'This Origin may not call the API');
    }
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '600')
      .send();
  });
}
