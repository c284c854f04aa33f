import type * as z from 'zod/mini';
import { BbError } from '../errors/index.js';
import { ErrorResponseSchema } from '../protocol/index.js';
import { signalApiUrl } from './peer-options.js';

/** How long a request to bb-signal may take before the server counts as unreachable. */
export const SIGNAL_REQUEST_TIMEOUT_MS = 15_000;

/**
 * POSTs to bb-signal's HTTP API and returns the answer parsed with `schema`. Secrets go
 * in the body or the Authorization header, never in the URL, so they stay out of access
 * logs; no cookies are sent and nothing is cached. A network failure is
 * `BB_ERR_SIGNAL_UNREACHABLE`, an error answer carries the server's own code, and an
 * answer that does not match the schema is `BB_ERR_SIGNAL_RESPONSE_INVALID`: a server
 * that answers something else is not trusted. `request` names the request in messages.
 */
export async function postToSignal<T>(
  fetchImpl: typeof globalThis.fetch,
  signalUrl: string,
  path: string,
  init: { readonly headers: Record<string, string>; readonly body?: string },
  schema: z.ZodMiniType<T>,
  request: string,
): Promise<T> {
  let response: Response;
  try {
    response = await fetchImpl(signalApiUrl(signalUrl, path), {
      method: 'POST',
      ...init,
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(SIGNAL_REQUEST_TIMEOUT_MS),
    });
  } catch (cause) {
    throw new BbError('BB_ERR_SIGNAL_UNREACHABLE', 'The signalling server could not be reached', {
      cause,
    });
  }
  const json = await readJson(response);
  if (!response.ok) {
    throw signalError(response.status, json, request);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new BbError(
      'BB_ERR_SIGNAL_RESPONSE_INVALID',
      `The signalling server answered the ${request} request with an unexpected body`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/** The JSON body of `response`, or undefined when it has none. */
async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/** Turns a non-2xx answer into the server's own code, or a generic one by status. */
export function signalError(status: number, json: unknown, request: string): BbError {
  const parsed = ErrorResponseSchema.safeParse(json);
  if (parsed.success) {
    return new BbError(parsed.data.error.code, parsed.data.error.message);
  }
  if (status >= 500) {
    return new BbError(
      'BB_ERR_SIGNAL_UNREACHABLE',
      `The signalling server failed to answer the ${request} request (HTTP ${status})`,
    );
  }
  return new BbError(
    'BB_ERR_SIGNAL_REFUSED',
    `The signalling server refused the ${request} request (HTTP ${status})`,
  );
}
