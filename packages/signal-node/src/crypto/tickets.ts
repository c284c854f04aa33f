import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { BbError } from '@bilateral-base/core/errors';
import { PeerIdSchema, RoleSchema, RoomIdSchema, type Role } from '@bilateral-base/core/protocol';
import * as z from 'zod/mini';

const VERSION = 'v1';
const MAC_BYTES = 32;

/** What a ticket says. Times are Unix milliseconds, like `TicketResponse.expiresAt`. */
export interface TicketClaims {
  readonly roomId: string;
  readonly role: Role;
  readonly peerId: string;
  /** 128 random bits naming this ticket, so a slot can tell tickets apart. */
  readonly jti: string;
  readonly iat: number;
  /** An unused ticket is refused after this. */
  readonly exp: number;
  /** A used ticket may reconnect until this. */
  readonly sx: number;
}

const time = z.number().check(z.int(), z.nonnegative());

const ClaimsSchema = z.strictObject({
  roomId: RoomIdSchema,
  role: RoleSchema,
  peerId: PeerIdSchema,
  jti: z.string().check(z.regex(/^[A-Za-z0-9_-]{22}$/)),
  iat: time,
  exp: time,
  sx: time,
});

export interface IssueTicketInput {
  readonly roomId: string;
  readonly role: Role;
  readonly peerId: string;
  readonly now: number;
  readonly ttlSeconds: number;
  readonly sessionMaxSeconds: number;
}

/**
 * Signs and verifies tickets: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256)>`.
 *
 * The MAC covers the version and the encoded claims exactly as sent, so nothing is
 * re-serialised before checking. Every character is URL-safe because PeerJS puts the
 * ticket unescaped into the WebSocket URL.
 */
export class TicketSigner {
  private readonly secret: Uint8Array;

  constructor(secret: Uint8Array) {
    if (!(secret instanceof Uint8Array)) {
      throw new TypeError('TicketSigner: secret must be a Uint8Array');
    }
    if (secret.length < 32) {
      throw new RangeError('TicketSigner: secret must be at least 32 bytes');
    }
    this.secret = secret;
  }

  issue(input: IssueTicketInput): { ticket: string; claims: TicketClaims } {
    const claims: TicketClaims = {
      roomId: input.roomId,
      role: input.role,
      peerId: input.peerId,
      jti: randomBytes(16).toString('base64url'),
      iat: input.now,
      exp: input.now + input.ttlSeconds * 1000,
      sx: input.now + input.sessionMaxSeconds * 1000,
    };
    return { ticket: this.sign(claims), claims };
  }

  sign(claims: TicketClaims): string {
    const body = `${VERSION}.${Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url')}`;
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** Returns the claims of a well-formed, authentic ticket; throws `BB_ERR_TICKET_INVALID`. */
  verify(ticket: string): TicketClaims {
    const parts = ticket.split('.');
    const [version, encodedClaims, encodedMac] = parts;
    if (
      parts.length !== 3 ||
      version !== VERSION ||
      encodedClaims === undefined ||
      encodedMac === undefined ||
      !/^[A-Za-z0-9_-]+$/.test(encodedClaims) ||
      !/^[A-Za-z0-9_-]{43}$/.test(encodedMac)
    ) {
      throw new BbError('BB_ERR_TICKET_INVALID', 'The ticket is malformed');
    }
    const expected = this.mac(`${version}.${encodedClaims}`);
    const given = Buffer.from(encodedMac, 'base64url');
    if (given.length !== MAC_BYTES || !timingSafeEqual(given, expected)) {
      throw new BbError('BB_ERR_TICKET_INVALID', 'The ticket signature does not verify');
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8'));
    } catch (cause) {
      throw new BbError('BB_ERR_TICKET_INVALID', 'The ticket claims are not JSON', { cause });
    }
    const parsed = ClaimsSchema.safeParse(decoded);
    if (!parsed.success) {
      throw new BbError('BB_ERR_TICKET_INVALID', 'The ticket claims have the wrong shape', {
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  private mac(text: string): Buffer {
    return createHmac('sha256', this.secret).update(text, 'utf8').digest();
  }
}
