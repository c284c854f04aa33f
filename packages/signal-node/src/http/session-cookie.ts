import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountService, CurrentSession } from '../accounts/account-service.js';
import type { OriginPolicy } from '../origin-policy.js';
import { HttpError } from './http-error.js';

export const SESSION_COOKIE = 'bb_session';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The `bb_session` value of the Cookie header (RFC 6265 section 5.4), if well formed. */
export function sessionToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string') {
    return undefined;
  }
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === SESSION_COOKIE) {
      const value = pair.slice(separator + 1).trim();
      return TOKEN.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export interface CookiePolicy {
  /** False only while the server listens on loopback, where there is no TLS to require. */
  readonly secure: boolean;
}

/**
 * HttpOnly keeps the token from page scripts; SameSite=Strict keeps other sites from
 * sending it (RFC 6265bis section 5.4.7); no Max-Age, so the browser forgets it when
 * closed, while the server enforces the idle and absolute limits itself.
 */
export function setSessionCookie(reply: FastifyReply, token: string, policy: CookiePolicy): void {
  const attributes = [
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    ...(policy.secure ? ['Secure'] : []),
  ];
  reply.header('set-cookie', [`${SESSION_COOKIE}=${token}`, ...attributes].join('; '));
}

export function clearSessionCookie(reply: FastifyReply, policy: CookiePolicy): void {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0'];
  reply.header(
    'set-cookie',
    [`${SESSION_COOKIE}=`, ...attributes, ...(policy.secure ? ['Secure'] : [])].join('; '),
  );
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cookie-authenticated requests that change state must come from a listed browser
 * origin. Unlike the API-key routes, an absent Origin is refused too: browsers send
 * Origin on every POST, PATCH and DELETE (Fetch standard, "append a request Origin
 * header"), so its absence means a program, and programs use the API key.
 */
export function requireBrowserOrigin(request: FastifyRequest, origins: OriginPolicy): void {
  if (SAFE_METHODS.has(request.method)) {
    return;
  }
  if (origins.judge(request.headers.origin) !== 'allowed') {
    throw new HttpError(
      403,
      'BB_ERR_ORIGIN_FORBIDDEN',
      'Account requests must come from an allowed browser Origin',
    );
  }
}

/** The logged-in therapist's session, or 401 `BB_ERR_SESSION_REQUIRED`. */
export function requireSession(request: FastifyRequest, accounts: AccountService): CurrentSession {
  const token = sessionToken(request);
  const session = token === undefined ? undefined : accounts.resume(token);
  if (session === undefined) {
    throw new HttpError(401, 'BB_ERR_SESSION_REQUIRED', 'Log in first; there is no valid session');
  }
  return session;
}
