import * as z from 'zod/mini';

/** Unpadded base64url of 16 bytes: the room id derived from a link key. */
export const RoomIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{22}$/, 'a 22-character room id'));

/** Unpadded base64url of 32 bytes: a server proof, a proof hash, a key. */
export const Base64Url32Schema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{43}$/, '43 base64url characters (32 bytes)'));

/**
 * A server-assigned peer id: the role, a dash, then 32 hex digits.
 *
 * PeerJS accepts ids of letters and digits joined by single `-`, `_` or spaces
 * (its `validateId`), so base64url (which may start with `-` or hold `--`) cannot be
 * used here; hex always can.
 */
export const PeerIdSchema = z.string().check(z.regex(/^(host|client)-[0-9a-f]{32}$/, 'a peer id'));

/** The two roles of a one-to-one session. */
export const RoleSchema = z.enum(['host', 'client']);
export type Role = z.infer<typeof RoleSchema>;

/**
 * A ticket is opaque to browsers. It must survive PeerJS putting it unescaped into
 * a WebSocket URL query, so only URL-safe characters are allowed.
 */
export const TicketSchema = z
  .string()
  .check(z.minLength(16), z.maxLength(1024), z.regex(/^[A-Za-z0-9_.-]+$/, 'a ticket'));
