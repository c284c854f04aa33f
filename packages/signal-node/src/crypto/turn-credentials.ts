import { createHmac, randomBytes } from 'node:crypto';

/** A TURN username and password for one participant, and when they stop working. */
export interface TurnCredential {
  readonly username: string;
  readonly credential: string;
  /** Unix milliseconds; the username carries the same instant in seconds. */
  readonly expiresAt: number;
}

/**
 * The coturn REST scheme (`use-auth-secret`, from draft-uberti-behave-turn-rest-00):
 * the username is `<expiry in Unix seconds>:<anything>` and the password is
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the password from its
 * `static-auth-secret` and refuses the username once its time has passed, so nothing is
 * stored and no account is shared.
 *
 * The part after the colon is 128 random bits in hex: it names no person, room or role,
 * so the relay's logs cannot tie an allocation to a session.
 */
export function mintTurnCredential(
  secret: string,
  nowMs: number,
  ttlSeconds: number,
): TurnCredential {
  const expirySeconds = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expirySeconds}:${randomBytes(16).toString('hex')}`;
  return {
    username,
    credential: turnPassword(secret, username),
    expiresAt: expirySeconds * 1000,
  };
}

/** base64(HMAC-SHA1(secret, username)), the password coturn expects for `username`. */
export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username, 'utf8').digest('base64');
}
