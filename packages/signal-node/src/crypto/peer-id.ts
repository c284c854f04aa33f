import { createHmac } from 'node:crypto';
import type { Role } from '@bilateral-base/core/protocol';

/**
 * The peer id of one role in one room: `<role>-<32 hex digits>`.
 *
 * Keyed with the ticket secret, so ids cannot be predicted from a room id alone, and
 * deterministic, so each side learns the other's id from its own ticket and a reload
 * keeps the same id (PeerJS needs a stable id to reconnect).
 */
export function derivePeerId(secret: Uint8Array, roomId: string, role: Role): string {
  const mac = createHmac('sha256', secret).update(`peer-id|${roomId}|${role}`, 'utf8');
  return `${role}-${mac.digest('hex').slice(0, 32)}`;
}

export function otherRole(role: Role): Role {
  return role === 'host' ? 'client' : 'host';
}
