import * as z from 'zod/mini';
import { PeerIdSchema } from './ids.js';

/**
 * The PeerJS server protocol as bb-signal speaks it (peerjs 1.5 client, peer 1.0
 * server). The stock client sends JSON text frames of `{type, dst, payload}` and
 * expects `{type, src, dst, payload}` back.
 *
 * Objects are loose where PeerJS may add fields in a minor release, so the server
 * relays what it does not understand instead of breaking the stock client; every
 * field it relies on is checked.
 */

const ConnectionTypeSchema = z.enum(['media', 'data']);

const SessionDescriptionSchema = z.looseObject({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.optional(z.string()),
});

const IceCandidateSchema = z.looseObject({
  candidate: z.string(),
  sdpMid: z.optional(z.nullable(z.string())),
  sdpMLineIndex: z.optional(z.nullable(z.number())),
});

const ConnectionIdSchema = z.string().check(z.minLength(1), z.maxLength(128));

export const OfferPayloadSchema = z.looseObject({
  sdp: SessionDescriptionSchema,
  type: ConnectionTypeSchema,
  connectionId: ConnectionIdSchema,
});
export const AnswerPayloadSchema = z.looseObject({
  sdp: SessionDescriptionSchema,
  type: ConnectionTypeSchema,
  connectionId: ConnectionIdSchema,
});
export const CandidatePayloadSchema = z.looseObject({
  candidate: IceCandidateSchema,
  type: ConnectionTypeSchema,
  connectionId: ConnectionIdSchema,
});

/** Messages a browser sends to the server. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('HEARTBEAT') }),
  z.looseObject({ type: z.literal('OFFER'), dst: PeerIdSchema, payload: OfferPayloadSchema }),
  z.looseObject({ type: z.literal('ANSWER'), dst: PeerIdSchema, payload: AnswerPayloadSchema }),
  z.looseObject({
    type: z.literal('CANDIDATE'),
    dst: PeerIdSchema,
    payload: CandidatePayloadSchema,
  }),
  z.looseObject({ type: z.literal('LEAVE'), dst: PeerIdSchema }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
/** Client messages the server relays to the other participant. */
export type RelayedMessage = Exclude<ClientMessage, { type: 'HEARTBEAT' }>;

/** Messages the server sends to a browser. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('OPEN') }),
  z.strictObject({
    type: z.literal('ERROR'),
    // `msg` is what the stock PeerJS client shows; `code` is ours, for programs.
    payload: z.strictObject({ msg: z.string(), code: z.string() }),
  }),
  z.strictObject({ type: z.literal('ID-TAKEN'), payload: z.strictObject({ msg: z.string() }) }),
  z.strictObject({ type: z.literal('EXPIRE'), src: PeerIdSchema }),
  z.looseObject({ type: z.literal('LEAVE'), src: PeerIdSchema, dst: PeerIdSchema }),
  z.looseObject({
    type: z.literal('OFFER'),
    src: PeerIdSchema,
    dst: PeerIdSchema,
    payload: OfferPayloadSchema,
  }),
  z.looseObject({
    type: z.literal('ANSWER'),
    src: PeerIdSchema,
    dst: PeerIdSchema,
    payload: AnswerPayloadSchema,
  }),
  z.looseObject({
    type: z.literal('CANDIDATE'),
    src: PeerIdSchema,
    dst: PeerIdSchema,
    payload: CandidatePayloadSchema,
  }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

/** WebSocket close codes bb-signal uses (RFC 6455 section 7.4 and the 4000 range). */
export const SIGNAL_CLOSE_CODES = {
  /** RFC 6455: the endpoint is going away (server shutdown). */
  goingAway: 1001,
  /** RFC 6455: policy violation (bad ticket, wrong id, full room, rate limit). */
  policyViolation: 1008,
  /** RFC 6455: message too big. */
  messageTooBig: 1009,
  /** IANA registry (RFC 6455 section 11.7): try again later; the browser stopped reading. */
  tryAgainLater: 1013,
  /** No heartbeat within the configured timeout. */
  heartbeatTimeout: 4000,
} as const;
