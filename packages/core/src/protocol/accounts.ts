import * as z from 'zod/mini';
import { Base64Url32Schema, RoomIdSchema } from './ids.js';

/**
 * Bodies of the therapist account API of bb-signal, published as
 * `@bilateral-base/core/accounts` and kept out of the main entry: the widget bundle
 * re-exports all of that, and a call page needs none of these. The browser authenticates with the
 * `bb_session` cookie the server sets; these schemas are shared so the practice site
 * and the server read the same shapes.
 */

/** A password is checked against the policy (`@bilateral-base/core/password`) separately. */
const PasswordSchema = z.string().check(z.minLength(1), z.maxLength(1024));
const NameSchema = z.string().check(z.minLength(1), z.maxLength(200));
/** A deliberately loose shape: one "@" with text on both sides (RFC 5321 allows much). */
const EmailSchema = z.string().check(z.maxLength(254), z.regex(/^[^\s@]+@[^\s@]+$/, 'an email'));
const IdSchema = z.string().check(z.regex(/^[0-9a-f-]{36}$/, 'an id'));
const Timestamp = z.number().check(z.int(), z.positive());

/** `POST /v1/account`: register; nothing else is asked for. */
export const RegisterRequestSchema = z.strictObject({
  name: NameSchema,
  email: EmailSchema,
  password: PasswordSchema,
});
export type RegisterRequest = z.infer<typeof RegisterRequestSchema>;

/** `POST /v1/session`: log in. */
export const LoginRequestSchema = z.strictObject({
  email: EmailSchema,
  password: PasswordSchema,
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** `POST /v1/account/password`: needs the current password. */
export const ChangePasswordRequestSchema = z.strictObject({
  currentPassword: PasswordSchema,
  newPassword: PasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

/** `DELETE /v1/account`: the password again, so a stolen session alone cannot erase it. */
export const DeleteAccountRequestSchema = z.strictObject({ password: PasswordSchema });
export type DeleteAccountRequest = z.infer<typeof DeleteAccountRequestSchema>;

export const TherapistSchema = z.strictObject({
  id: IdSchema,
  name: NameSchema,
  email: EmailSchema,
  createdAt: Timestamp,
});
export type Therapist = z.infer<typeof TherapistSchema>;

/** Answer of register, log in and `GET /v1/session`. */
export const SessionResponseSchema = z.strictObject({
  therapist: TherapistSchema,
  /** Unix milliseconds after which the session ends even when in use. */
  expiresAt: Timestamp,
});
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

/**
 * A confidential ID: 1 to 64 characters the therapist chooses, meaningful only to
 * them. It must not identify the client to anyone else; see `confidentialIdProblem`.
 */
export const CONFIDENTIAL_ID_MAX_CODE_POINTS = 64;
export const ConfidentialIdSchema = z.string().check(z.minLength(1), z.maxLength(256));

const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/;
/** Seven or more digits, allowing the separators people type in phone numbers. */
const PHONE_LIKE = /(?:\+|00)?\d(?:[\s().\-/]*\d){6,}/;

/**
 * Why a confidential ID cannot be used, in plain words, or undefined when it can. The
 * server stores no client contact details (DESIGN.md), so input that looks like an email
 * address or a phone number is refused rather than stored.
 */
export function confidentialIdProblem(value: string): string | undefined {
  const length = [...value.trim()].length;
  if (length < 1 || length > CONFIDENTIAL_ID_MAX_CODE_POINTS) {
    return `A confidential ID has 1 to ${CONFIDENTIAL_ID_MAX_CODE_POINTS} characters.`;
  }
  if (EMAIL_LIKE.test(value)) {
    return (
      'This looks like an email address. The server keeps no client contact details: ' +
      'choose a code only you can connect to the client, such as "C-017".'
    );
  }
  if (PHONE_LIKE.test(value)) {
    return (
      'This looks like a phone number. The server keeps no client contact details: ' +
      'choose a code only you can connect to the client, such as "C-017".'
    );
  }
  return undefined;
}

/** `POST /v1/profiles` and `PATCH /v1/profiles/:id`. */
export const ProfileRequestSchema = z.strictObject({ confidentialId: ConfidentialIdSchema });
export type ProfileRequest = z.infer<typeof ProfileRequestSchema>;

export const LinkSummarySchema = z.strictObject({
  roomId: RoomIdSchema,
  createdAt: Timestamp,
});
export type LinkSummary = z.infer<typeof LinkSummarySchema>;

export const ProfileSchema = z.strictObject({
  id: IdSchema,
  confidentialId: ConfidentialIdSchema,
  createdAt: Timestamp,
  /** Usable links only; revoked and rotated-away ones are not listed. */
  links: z.array(LinkSummarySchema),
});
export type Profile = z.infer<typeof ProfileSchema>;

export const ProfileListResponseSchema = z.strictObject({ profiles: z.array(ProfileSchema) });
export type ProfileListResponse = z.infer<typeof ProfileListResponseSchema>;

/**
 * `POST /v1/profiles/:id/links` and `POST /v1/links/:roomId/rotate`: the room id and
 * proof hash of a link the therapist's browser made. The key never leaves the browser.
 */
export const CreateLinkRequestSchema = z.strictObject({
  roomId: RoomIdSchema,
  proofHash: Base64Url32Schema,
});
export type CreateLinkRequest = z.infer<typeof CreateLinkRequestSchema>;
