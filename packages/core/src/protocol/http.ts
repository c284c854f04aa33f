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
