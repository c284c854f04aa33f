import type { Role } from '@bilateral-base/core/protocol';
import type { TicketClaims } from '../crypto/tickets.js';
import type { SocketEnding } from './refusal.js';
import { policyEnding } from './refusal.js';

/** A live connection that holds a role's slot and can be told to end. */
export interface SlotHolder {
  end(ending: SocketEnding): void;
}

export type ClaimResult =
  { readonly ok: true } | { readonly ok: false; readonly ending: SocketEnding };

/**
 * Who holds each role of each room, and with which ticket.
 *
 * A slot binds to the first ticket that connects (its `jti`). The bound ticket may
 * reconnect until its `sx` whenever no connection is live; a newer ticket for the same
 * role takes the slot when it is free and so supersedes the old one. State lives in
 * memory here; a multi-node version keeps it in a shared store behind this interface.
 */
export interface SessionSlots {
  claim(claims: TicketClaims, holder: SlotHolder, now: number): ClaimResult;
  /**
   * Whether `claims` may act for its role now, by the same rules as `claim`, without
   * claiming anything: a fresh ticket that could still take the slot, or the ticket the
   * slot is bound to (live or free to reconnect). Used for requests made with a
   * ticket outside the socket, such as TURN credentials.
   */
  standing(claims: TicketClaims, now: number): ClaimResult;
  /** The holder went away; the ticket stays bound so it can reconnect. */
  release(claims: TicketClaims, holder: SlotHolder): void;
  /** Forgets the room's slots and returns the holders that were live. */
  revokeRoom(roomId: string): SlotHolder[];
  /** Forgets free slots whose session has ended. */
  sweep(now: number): void;
  liveHolders(): SlotHolder[];
}

interface Slot {
  jti: string;
  iat: number;
  sx: number;
  holder: SlotHolder | null;
}

/** Which ticket a role of a room is bound to, without the live connection. */
export interface SlotBinding {
  readonly jti: string;
  readonly iat: number;
  readonly sx: number;
}

/**
 * Keeps slot bindings beyond the process. Without it a restarted server forgets that a
 * ticket was in use, and refuses it as unused once its first-use window (`exp`, one
 * minute by default) has passed: everyone in a call would be stranded by a restart.
 */
export interface SlotBindingStore {
  load(roomId: string, role: Role): SlotBinding | undefined;
  save(roomId: string, role: Role, binding: SlotBinding): void;
  forgetRoom(roomId: string): void;
  /** Forgets bindings whose session has ended. */
  sweep(now: number): void;
}

const ROLES: readonly Role[] = ['host', 'client'];

export class MemorySessionSlots implements SessionSlots {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly bindings?: SlotBindingStore) {}

  claim(claims: TicketClaims, holder: SlotHolder, now: number): ClaimResult {
    const key = slotKey(claims.roomId, claims.role);
    const slot = this.lookup(claims.roomId, claims.role);
    const verdict = judge(slot, claims, now);
    if (verdict !== 'bound' && verdict !== 'fresh') {
      return verdict;
    }
    if (slot !== undefined && verdict === 'bound') {
      if (slot.holder !== null) {
        return refuse(
          'BB_ERR_TICKET_IN_USE',
          'this ticket is held by another live connection',
          'id-taken',
        );
      }
      slot.holder = holder;
      return { ok: true };
    }
    this.slots.set(key, { jti: claims.jti, iat: claims.iat, sx: claims.sx, holder });
    this.bindings?.save(claims.roomId, claims.role, {
      jti: claims.jti,
      iat: claims.iat,
      sx: claims.sx,
    });
    return { ok: true };
  }

  standing(claims: TicketClaims, now: number): ClaimResult {
    const verdict = judge(this.lookup(claims.roomId, claims.role), claims, now);
    return verdict === 'bound' || verdict === 'fresh' ? { ok: true } : verdict;
  }

  release(claims: TicketClaims, holder: SlotHolder): void {
    const slot = this.slots.get(slotKey(claims.roomId, claims.role));
    if (slot !== undefined && slot.holder === holder) {
      slot.holder = null;
    }
  }

  revokeRoom(roomId: string): SlotHolder[] {
    const live: SlotHolder[] = [];
    for (const role of ROLES) {
      const key = slotKey(roomId, role);
      const holder = this.slots.get(key)?.holder;
      if (holder) {
        live.push(holder);
      }
      this.slots.delete(key);
    }
    this.bindings?.forgetRoom(roomId);
    return live;
  }

  sweep(now: number): void {
    for (const [key, slot] of this.slots) {
      if (slot.holder === null && now > slot.sx) {
        this.slots.delete(key);
      }
    }
    this.bindings?.sweep(now);
  }

  /** The slot in memory, or the binding a previous process of this server left. */
  private lookup(roomId: string, role: Role): Slot | undefined {
    const key = slotKey(roomId, role);
    const known = this.slots.get(key);
    if (known !== undefined || this.bindings === undefined) {
      return known;
    }
    const stored = this.bindings.load(roomId, role);
    if (stored === undefined) {
      return undefined;
    }
    const slot: Slot = { ...stored, holder: null };
    this.slots.set(key, slot);
    return slot;
  }

  liveHolders(): SlotHolder[] {
    const live: SlotHolder[] = [];
    for (const slot of this.slots.values()) {
      if (slot.holder !== null) {
        live.push(slot.holder);
      }
    }
    return live;
  }
}

/**
 * The rules of a slot, shared by `claim` and `standing`: `bound` when the slot is
 * bound to this ticket and its session lives, `fresh` when the ticket may take the
 * slot, otherwise the refusal.
 */
function judge(
  slot: Slot | undefined,
  claims: TicketClaims,
  now: number,
): 'bound' | 'fresh' | ClaimResult {
  if (slot !== undefined && slot.jti === claims.jti) {
    return now > claims.sx
      ? refuse('BB_ERR_TICKET_EXPIRED', 'the session of this ticket has ended')
      : 'bound';
  }
  // Ties go against the newcomer: two tickets issued in the same millisecond cannot be
  // ordered, and refusing is the safe side.
  if (slot !== undefined && claims.iat <= slot.iat) {
    return refuse('BB_ERR_TICKET_EXPIRED', 'a newer ticket has replaced this one');
  }
  if (now > claims.exp) {
    return refuse('BB_ERR_TICKET_EXPIRED', 'the ticket was not used in time');
  }
  if (slot !== undefined && slot.holder !== null) {
    return refuse(
      'BB_ERR_ROOM_FULL',
      `the ${claims.role} of this session is already connected`,
      'id-taken',
    );
  }
  return 'fresh';
}

function slotKey(roomId: string, role: Role): string {
  return `${roomId}|${role}`;
}

function refuse(
  code: 'BB_ERR_TICKET_EXPIRED' | 'BB_ERR_TICKET_IN_USE' | 'BB_ERR_ROOM_FULL',
  message: string,
  notice: 'error' | 'id-taken' = 'error',
): ClaimResult {
  return { ok: false, ending: policyEnding(code, message, notice) };
}
