import { BbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import {
  TurnCredentialsResponseSchema,
  isTurnUrl,
  type TurnCredentialsResponse,
} from '../protocol/index.js';
import type { ResolvedCallOptions } from './options.js';
import { postToSignal } from './signal-api.js';

const log = createLogger('core:call');

/**
 * Asks bb-signal for this participant's ICE servers, showing the ticket as a bearer
 * token: `POST /v1/turn-credentials`. The answer is parsed with the shared schema.
 */
export async function fetchTurnCredentials(
  fetchImpl: typeof globalThis.fetch,
  signalUrl: string,
  ticket: string,
): Promise<TurnCredentialsResponse> {
  return postToSignal(
    fetchImpl,
    signalUrl,
    'v1/turn-credentials',
    { headers: { authorization: `Bearer ${ticket}` } },
    TurnCredentialsResponseSchema,
    'TURN credentials',
  );
}

/** True when some server in `servers` is a TURN server with a username and credential. */
export function hasTurnServer(servers: readonly RTCIceServer[]): boolean {
  return servers.some((server) => {
    const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
    return (
      urls.some((url) => isTurnUrl(url)) &&
      typeof server.username === 'string' &&
      typeof server.credential === 'string'
    );
  });
}

/**
 * The ICE servers a call connects with: the integrator's own `iceServers` followed by
 * the ones bb-signal hands out for this ticket.
 *
 * Without relay-only, a failed request only costs the relay: the call goes on with the
 * integrator's servers, and the signalling socket reports any refusal of the ticket
 * itself. With relay-only, a call without any TURN server fails here, before anything
 * is sent, with `BB_ERR_RELAY_UNAVAILABLE`.
 */
export async function resolveIceServers(
  options: Pick<ResolvedCallOptions, 'fetch' | 'signalUrl' | 'iceServers' | 'relayOnly'>,
  ticket: string,
): Promise<readonly RTCIceServer[]> {
  return (await resolveIceServerSet(options, ticket)).servers;
}

/** ICE servers, and when bb-signal's TURN credentials among them expire (if it gave any). */
export interface IceServerSet {
  readonly servers: readonly RTCIceServer[];
  /** Unix milliseconds; absent when bb-signal gave no credentials. */
  readonly expiresAt?: number;
}

/** `resolveIceServers`, also telling when the fetched credentials expire. */
export async function resolveIceServerSet(
  options: Pick<ResolvedCallOptions, 'fetch' | 'signalUrl' | 'iceServers' | 'relayOnly'>,
  ticket: string,
): Promise<IceServerSet> {
  let fetched: readonly RTCIceServer[] = [];
  let expiresAt: number | undefined;
  let failure: BbError | undefined;
  try {
    const answer = await fetchTurnCredentials(options.fetch, options.signalUrl, ticket);
    fetched = answer.iceServers as RTCIceServer[];
    expiresAt = hasTurnServer(fetched) ? answer.expiresAt : undefined;
  } catch (error) {
    if (!(error instanceof BbError)) {
      throw error;
    }
    failure = error;
    log.warn('no ICE servers from the signalling server', { code: error.code });
  }
  const servers = [...options.iceServers, ...fetched];
  if (options.relayOnly && !hasTurnServer(servers)) {
    throw new BbError(
      'BB_ERR_RELAY_UNAVAILABLE',
      failure === undefined
        ? 'Relay-only was asked for, but neither bb-signal nor options.iceServers offer TURN'
        : `Relay-only was asked for, but bb-signal gave no TURN credentials (${failure.code})`,
      { cause: failure },
    );
  }
  const frozen = Object.freeze(servers);
  return expiresAt === undefined ? { servers: frozen } : { servers: frozen, expiresAt };
}
