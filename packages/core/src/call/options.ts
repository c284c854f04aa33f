import * as z from 'zod/mini';
import { BbError } from '../errors/index.js';
import { SessionLink } from '../links/index.js';
import {
  IceServerSchema,
  TicketResponseSchema,
  type Role,
  type TicketResponse,
} from '../protocol/index.js';
import { signalEndpoint } from './peer-options.js';

/**
 * What `new SessionCall(options)` accepts.
 *
 * A client passes `link`; the host passes the `hostTicket` its practice site's backend
 * obtained with the API key, and the `link` it created, which must name the same room: the
 * binding key in the link is what both sides prove to each other before any media.
 */
export interface SessionCallOptions {
  /** The bb-signal base URL, for example `https://signal.example/`. */
  readonly signalUrl: string;
  /** The session link, key in its fragment. Required for both roles. */
  readonly link?: string | SessionLink;
  /** The host's ticket, from `POST /v1/tickets` with the integrator API key. */
  readonly hostTicket?: TicketResponse;
  /**
   * STUN and TURN servers of the integrator's own, used together with the ones
   * bb-signal hands out with its short-lived TURN credentials. [options.iceServers=[]]
   */
  readonly iceServers?: readonly RTCIceServer[];
  /**
   * Sends everything through a TURN relay (`iceTransportPolicy: 'relay'`), so neither
   * side learns the other's IP address. Joining fails with `BB_ERR_RELAY_UNAVAILABLE`
   * when no TURN server is available. [options.relayOnly=false]
   */
  readonly relayOnly?: boolean;
  /** A stream to send. [options.localStream]: camera and microphone via getUserMedia. */
  readonly localStream?: MediaStream;
  /** [options.fetch=globalThis.fetch]: used for the client's ticket request. */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * `auto` encrypts every frame end to end (AES-256-GCM, keys from the fingerprint proof)
   * whenever both browsers can; `off` leaves frames to DTLS-SRTP alone. `off` exists for
   * measurements and tests; `<bb-session>` never sets it, and the security summary then
   * reports `frameEncryption: 'off'`. [options.frameEncryption='auto']
   */
  readonly frameEncryption?: 'auto' | 'off';
}

/** The validated, frozen options a call runs with. */
export interface ResolvedCallOptions {
  readonly signalUrl: string;
  readonly role: Role;
  readonly roomId: string;
  readonly link: SessionLink;
  readonly hostTicket: TicketResponse | undefined;
  readonly iceServers: readonly RTCIceServer[];
  readonly relayOnly: boolean;
  readonly localStream: MediaStream | undefined;
  readonly fetch: typeof globalThis.fetch;
  readonly frameEncryption: 'auto' | 'off';
}

const isMediaStream = (value: unknown): value is MediaStream =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { getTracks?: unknown }).getTracks === 'function';

const OptionsSchema = z.strictObject({
  signalUrl: z.string().check(z.minLength(1)),
  link: z.optional(
    z.union([
      z.string().check(z.minLength(1)),
      z.custom<SessionLink>((value) => value instanceof SessionLink),
    ]),
  ),
  hostTicket: z.optional(TicketResponseSchema),
  iceServers: z.optional(z.array(IceServerSchema).check(z.maxLength(16))),
  relayOnly: z.optional(z.boolean()),
  localStream: z.optional(z.custom<MediaStream>(isMediaStream)),
  fetch: z.optional(z.custom<typeof globalThis.fetch>((value) => typeof value === 'function')),
  frameEncryption: z.optional(z.enum(['auto', 'off'])),
});

function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : `${name}.${String(key)}`),
    'options',
  );
}

/** Turns the first schema issue into the error kind STYLE.md asks for, naming the field. */
function issueToError(issue: z.core.$ZodIssue): Error {
  const field = fieldName(issue.path);
  switch (issue.code) {
    case 'invalid_type':
    case 'invalid_union':
      return new TypeError(`SessionCall: ${field} has the wrong type (${issue.message})`);
    case 'too_small':
    case 'too_big':
      return new RangeError(`SessionCall: ${field} is out of range (${issue.message})`);
    case 'unrecognized_keys':
      return new BbError(
        'BB_ERR_INVALID_ARGUMENT',
        `SessionCall: unknown option ${issue.keys.map((key) => `options.${key}`).join(', ')}`,
      );
    default:
      return new BbError('BB_ERR_INVALID_ARGUMENT', `SessionCall: ${field} ${issue.message}`);
  }
}

/**
 * Validates `options` once, resolves the role and room, and returns a frozen copy.
 * Throws a TypeError, RangeError or `BbError` naming the offending field.
 */
export function resolveCallOptions(options: unknown): ResolvedCallOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('SessionCall: options must be an object');
  }
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw issue === undefined ? new TypeError('SessionCall: invalid options') : issueToError(issue);
  }
  const input = parsed.data;
  signalEndpoint(input.signalUrl);

  const link = typeof input.link === 'string' ? SessionLink.parse(input.link) : input.link;
  const hostTicket = input.hostTicket;
  if (link === undefined && hostTicket === undefined) {
    throw new BbError(
      'BB_ERR_INVALID_ARGUMENT',
      'SessionCall: options.link (client) or options.hostTicket (host) is required',
    );
  }
  if (hostTicket !== undefined && hostTicket.role !== 'host') {
    throw new BbError(
      'BB_ERR_INVALID_ARGUMENT',
      'SessionCall: options.hostTicket.role must be "host"; a client joins with options.link',
    );
  }
  if (link === undefined) {
    throw new BbError(
      'BB_ERR_INVALID_ARGUMENT',
      'SessionCall: options.link is required with options.hostTicket; its binding key proves ' +
        'the host to the client',
    );
  }
  if (hostTicket !== undefined && hostTicket.roomId !== link.roomId) {
    throw new BbError(
      'BB_ERR_INVALID_ARGUMENT',
      'SessionCall: options.hostTicket.roomId does not match the room of options.link',
    );
  }

  if (hostTicket === undefined && input.fetch === undefined && typeof fetch !== 'function') {
    throw new TypeError('SessionCall: options.fetch is required where globalThis.fetch is absent');
  }
  // Called through a wrapper: WebIDL refuses `fetch` invoked with a `this` other than
  // the global object ("Illegal invocation"), which a stored reference would get.
  const fetchImpl: typeof globalThis.fetch =
    input.fetch ?? ((resource, init) => globalThis.fetch(resource, init));
  const iceServers = Object.freeze(
    (input.iceServers ?? []).map(
      (server) =>
        Object.freeze({
          ...server,
          urls: Array.isArray(server.urls) ? Object.freeze([...server.urls]) : server.urls,
        }) as RTCIceServer,
    ),
  );
  return Object.freeze({
    signalUrl: input.signalUrl,
    role: hostTicket === undefined ? 'client' : 'host',
    roomId: hostTicket?.roomId ?? link.roomId,
    link,
    hostTicket: hostTicket === undefined ? undefined : Object.freeze({ ...hostTicket }),
    iceServers,
    relayOnly: input.relayOnly ?? false,
    localStream: input.localStream,
    fetch: fetchImpl,
    frameEncryption: input.frameEncryption ?? 'auto',
  });
}
