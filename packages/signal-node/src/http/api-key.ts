import type { FastifyRequest } from 'fastify';
import { matchesAny } from '../crypto/constant-time.js';
import { HttpError } from './http-error.js';

/** RFC 6750 section 2.1: `Authorization: Bearer <token>`; the scheme is case-insensitive. */
const BEARER = /^Bearer +([\x21-\x7e]+)$/i;

/** The bearer token of the request's Authorization header, if it has one. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

/** Throws 401 `BB_ERR_UNAUTHORIZED` unless the request carries one of `apiKeys`. */
export function requireApiKey(request: FastifyRequest, apiKeys: readonly string[]): void {
  const presented = bearerToken(request);
  if (presented === undefined || !matchesAny(presented, apiKeys)) {
    throw new HttpError(401, 'BB_ERR_UNAUTHORIZED', 'A valid integrator API key is required');
  }
}
