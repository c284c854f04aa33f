import * as z from 'zod/mini';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { Base64Url32Schema, PeerIdSchema, RoleSchema, RoomIdSchema, TicketSchema } from './ids.js';

/**
 * Bodies of the bb-signal HTTP API, version 1. Every route parses its input with
 * these schemas and the browser parses every answer with them, so neither side
 * trusts the other's JSON.
 */

/** `POST /v1/rooms` (integrator API key): register a link's room id and proof hash. */
export const RegisterRoomRequestSchema = z.strictObject({
  roomId: RoomIdSchema,
  proofHash: Base64Url32Schema,
});
export type RegisterRoomRequest = z.infer<typeof RegisterRoomRequestSchema>;

export const RegisterRoomResponseSchema = z.strictObject({
  roomId: RoomIdSchema,
  /** False when the same room id and proof hash were already registered. */
  created: z.boolean(),
});
export type RegisterRoomResponse = z.infer<typeof RegisterRoomResponseSchema>;

/**
 * `POST /v1/tickets`: a client shows the proof from its link; a host request must
 * carry the integrator API key (sent by the practice site's backend, never a browser).
 */
export const ClientTicketRequestSchema = z.strictObject({
  role: z.literal('client'),
  roomId: RoomIdSchema,
  proof: Base64Url32Schema,
});
export const HostTicketRequestSchema = z.strictObject({
  role: z.literal('host'),
  roomId: RoomIdSchema,
});
export const TicketRequestSchema = z.discriminatedUnion('role', [
  ClientTicketRequestSchema,
  HostTicketRequestSchema,
]);
export type ClientTicketRequest = z.infer<typeof ClientTicketRequestSchema>;
export type HostTicketRequest = z.infer<typeof HostTicketRequestSchema>;
export type TicketRequest = z.infer<typeof TicketRequestSchema>;

export const TicketResponseSchema = z.strictObject({
  ticket: TicketSchema,
  roomId: RoomIdSchema,
  role: RoleSchema,
  /** The id this participant must use on the signalling socket. */
  peerId: PeerIdSchema,
  /** The id of the other participant of the same session: the only one reachable. */
  remotePeerId: PeerIdSchema,
  /** Unix time in milliseconds after which an unused ticket is refused. */
  expiresAt: z.number().check(z.int(), z.positive()),
});
export type TicketResponse = z.infer<typeof TicketResponseSchema>;

/**
 * A STUN or TURN server URL as RFC 7064 and RFC 7065 define them:
 * `stun(s):host[:port]` or `turn(s):host[:port][?transport=udp|tcp]`, the host a name,
 * an IPv4 address or a bracketed IPv6 address. No user part and no other query.
 */
const ICE_HOST = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?`;
const ICE_URL = new RegExp(
  String.raw`^(?:stuns?:${ICE_HOST}|turns?:${ICE_HOST}(?:\?transport=(?:udp|tcp))?)$`,
);

export const IceUrlSchema = z
  .string()
  .check(
    z.maxLength(512),
    z.regex(ICE_URL, 'a stun:, stuns:, turn: or turns: URL (RFC 7064/7065)'),
  );

/** True for a `turn:` or `turns:` URL, which needs a username and credential. */
export function isTurnUrl(url: string): boolean {
  return url.startsWith('turn:') || url.startsWith('turns:');
}

/** One entry of `RTCConfiguration.iceServers`, as the API sends it. */
export const IceServerSchema = z.strictObject({
  urls: z.union([IceUrlSchema, z.array(IceUrlSchema).check(z.minLength(1), z.maxLength(16))]),
  username: z.optional(z.string().check(z.maxLength(512))),
  credential: z.optional(z.string().check(z.maxLength(512))),
});

/**
 * `POST /v1/turn-credentials` with `Authorization: Bearer <ticket>` and no body: the
 * ICE servers for this participant. TURN entries carry a short-lived username and
 * credential in the coturn REST scheme; without TURN configured the list holds the
 * STUN servers only, possibly none.
 */
export const TurnCredentialsResponseSchema = z.strictObject({
  iceServers: z.array(IceServerSchema).check(z.maxLength(16)),
  /** Unix time in milliseconds after which the TURN credential is refused. */
  expiresAt: z.number().check(z.int(), z.positive()),
});
export type TurnCredentialsResponse = z.infer<typeof TurnCredentialsResponseSchema>;

const ErrorCodeSchema = z.custom<ErrorCode>(
  (value) => typeof value === 'string' && Object.hasOwn(ERROR_CODES, value),
);

/** Every non-2xx answer of the API. */
export const ErrorResponseSchema = z.strictObject({
  error: z.strictObject({
    code: ErrorCodeSchema,
    message: z.string(),
    /** For `BB_ERR_BAD_REQUEST` and `BB_ERR_CONFIG_INVALID`: which fields were wrong. */
    issues: z.optional(z.array(z.strictObject({ path: z.string(), message: z.string() }))),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** `GET /healthz` */
export const HealthResponseSchema = z.strictObject({ status: z.literal('ok') });
