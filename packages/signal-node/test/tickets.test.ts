import { isBbError } from '@bilateral-base/core/errors';
import { PeerIdSchema, TicketSchema } from '@bilateral-base/core/protocol';
import { describe, expect, it } from 'vitest';
import { derivePeerId, otherRole } from '../src/crypto/peer-id.js';
import { TicketSigner, type TicketClaims } from '../src/crypto/tickets.js';
import { MemorySessionSlots, type SlotHolder } from '../src/socket/session-slots.js';

const SECRET = new Uint8Array(32).fill(7);
const ROOM_ID = 'jQ6Oi_RB2MxuZekRq97eiw';
const T0 = 1_800_000_000_000;

function issue(signer: TicketSigner, now = T0, role: 'host' | 'client' = 'client') {
  return signer.issue({
    roomId: ROOM_ID,
    role,
    peerId: derivePeerId(SECRET, ROOM_ID, role),
    now,
    ttlSeconds: 60,
    sessionMaxSeconds: 3600,
  });
}

function expectInvalid(signer: TicketSigner, ticket: string): void {
  let thrown: unknown;
  try {
    signer.verify(ticket);
  } catch (error) {
    thrown = error;
  }
  expect(isBbError(thrown, 'BB_ERR_TICKET_INVALID')).toBe(true);
}

describe('peer ids', () => {
  it('match the fixed vector and the PeerJS-safe schema', () => {
    expect(derivePeerId(SECRET, ROOM_ID, 'host')).toBe('host-a8855baf1466f6320901f12ee9a7fd33');
    expect(derivePeerId(SECRET, ROOM_ID, 'client')).toBe('client-2aa8a868bddafafddf8f5263f5df314e');
    expect(PeerIdSchema.safeParse(derivePeerId(SECRET, ROOM_ID, 'host')).success).toBe(true);
  });

  it('depend on the secret, the room and the role', () => {
    const other = new Uint8Array(32).fill(8);
    expect(derivePeerId(other, ROOM_ID, 'host')).not.toBe(derivePeerId(SECRET, ROOM_ID, 'host'));
    expect(derivePeerId(SECRET, 'AAAAAAAAAAAAAAAAAAAAAA', 'host')).not.toBe(
      derivePeerId(SECRET, ROOM_ID, 'host'),
    );
    expect(otherRole('host')).toBe('client');
    expect(otherRole('client')).toBe('host');
  });
});

describe('tickets', () => {
  it('round-trip with the claims and fit the URL-safe ticket schema', () => {
    const signer = new TicketSigner(SECRET);
    const { ticket, claims } = issue(signer);
    expect(TicketSchema.safeParse(ticket).success).toBe(true);
    expect(ticket.startsWith('v1.')).toBe(true);
    expect(signer.verify(ticket)).toEqual(claims);
    expect(claims.exp).toBe(T0 + 60_000);
    expect(claims.sx).toBe(T0 + 3_600_000);
    expect(claims.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(issue(signer).claims.jti).not.toBe(claims.jti);
  });

  it('refuse tampered claims, a tampered MAC, another secret and malformed text', () => {
    const signer = new TicketSigner(SECRET);
    const { ticket } = issue(signer);
    const [version, body, mac] = ticket.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { role: string };
    claims.role = 'host';
    expectInvalid(
      signer,
      `${version}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`,
    );
    const flipped = mac[0] === 'A' ? `B${mac.slice(1)}` : `A${mac.slice(1)}`;
    expectInvalid(signer, `${version}.${body}.${flipped}`);
    expectInvalid(new TicketSigner(new Uint8Array(32).fill(9)), ticket);
    expectInvalid(signer, `v2.${body}.${mac}`);
    expectInvalid(signer, `${version}.${body}`);
    expectInvalid(signer, `${ticket}.extra`);
    expectInvalid(signer, '');
  });

  it('refuse a correctly signed body that is not valid claims', () => {
    const signer = new TicketSigner(SECRET);
    const { claims } = issue(signer);
    const bad = { ...claims, role: 'admin' } as unknown as TicketClaims;
    expectInvalid(signer, signer.sign(bad));
  });

  it('check their secret', () => {
    expect(() => new TicketSigner(new Uint8Array(16))).toThrow(RangeError);
    expect(() => new TicketSigner('secret' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('session slots', () => {
  const holder = (): SlotHolder => ({ end: () => {} });

  it('expire an unused ticket after exp and a used one after sx', () => {
    const signer = new TicketSigner(SECRET);
    const slots = new MemorySessionSlots();
    const late = issue(signer, T0, 'host').claims;
    const refused = slots.claim(late, holder(), T0 + 60_001);
    expect(refused.ok ? undefined : refused.ending.code).toBe('BB_ERR_TICKET_EXPIRED');

    const used = issue(signer, T0).claims;
    const first = holder();
    expect(slots.claim(used, first, T0 + 1000).ok).toBe(true);
    slots.release(used, first);
    expect(slots.claim(used, holder(), T0 + 3_599_000).ok).toBe(true);
  });

  it('refuse a used ticket after sx once free', () => {
    const signer = new TicketSigner(SECRET);
    const slots = new MemorySessionSlots();
    const used = issue(signer, T0).claims;
    const first = holder();
    slots.claim(used, first, T0);
    slots.release(used, first);
    const after = slots.claim(used, holder(), T0 + 3_600_001);
    expect(after.ok ? undefined : after.ending.code).toBe('BB_ERR_TICKET_EXPIRED');
  });

  it('tell IN_USE from ROOM_FULL, and supersede an older ticket', () => {
    const signer = new TicketSigner(SECRET);
    const slots = new MemorySessionSlots();
    const first = issue(signer, T0).claims;
    const live = holder();
    slots.claim(first, live, T0);
    const same = slots.claim(first, holder(), T0 + 1);
    expect(same.ok ? undefined : same.ending).toMatchObject({
      code: 'BB_ERR_TICKET_IN_USE',
      notice: 'id-taken',
    });
    const newer = issue(signer, T0 + 5).claims;
    const full = slots.claim(newer, holder(), T0 + 6);
    expect(full.ok ? undefined : full.ending.code).toBe('BB_ERR_ROOM_FULL');
    slots.release(first, live);
    expect(slots.claim(newer, holder(), T0 + 7).ok).toBe(true);
    const old = slots.claim(first, holder(), T0 + 8);
    expect(old.ok ? undefined : old.ending.code).toBe('BB_ERR_TICKET_EXPIRED');
  });

  it('forget a revoked room and sweep ended sessions', () => {
    const signer = new TicketSigner(SECRET);
    const slots = new MemorySessionSlots();
    const ticket = issue(signer, T0).claims;
    const live = holder();
    slots.claim(ticket, live, T0);
    expect(slots.liveHolders()).toEqual([live]);
    expect(slots.revokeRoom(ROOM_ID)).toEqual([live]);
    expect(slots.liveHolders()).toEqual([]);

    const again = issue(signer, T0).claims;
    const other = holder();
    slots.claim(again, other, T0);
    slots.release(again, other);
    slots.sweep(T0 + 3_600_001);
    const swept = slots.claim(again, holder(), T0 + 3_600_002);
    expect(swept.ok ? undefined : swept.ending.code).toBe('BB_ERR_TICKET_EXPIRED');
  });
});
