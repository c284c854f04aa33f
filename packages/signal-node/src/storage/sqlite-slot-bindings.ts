import type { Database, Statement } from 'better-sqlite3';
import type { Role } from '@bilateral-base/core/protocol';
import type { SlotBinding, SlotBindingStore } from '../socket/session-slots.js';

interface BindingRow {
  ticket_id: string;
  issued_at: number;
  session_ends_at: number;
}

/**
 * Slot bindings in the server's SQLite file (table `session_bindings`, see
 * docs/privacy.md): the id of the ticket each role used, never the ticket itself, which
 * only the holder has. One small write per first connection of a ticket.
 */
export class SqliteSlotBindings implements SlotBindingStore {
  private readonly select: Statement<[string, string], BindingRow>;
  private readonly upsert: Statement<[string, string, string, number, number]>;
  private readonly deleteRoom: Statement<[string]>;
  private readonly deleteEnded: Statement<[number]>;

  constructor(db: Database) {
    this.select = db.prepare(
      'SELECT ticket_id, issued_at, session_ends_at FROM session_bindings ' +
        'WHERE room_id = ? AND role = ?',
    );
    this.upsert = db.prepare(
      'INSERT INTO session_bindings (room_id, role, ticket_id, issued_at, session_ends_at) ' +
        'VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id, role) DO UPDATE SET ' +
        'ticket_id = excluded.ticket_id, issued_at = excluded.issued_at, ' +
        'session_ends_at = excluded.session_ends_at',
    );
    this.deleteRoom = db.prepare('DELETE FROM session_bindings WHERE room_id = ?');
    this.deleteEnded = db.prepare('DELETE FROM session_bindings WHERE session_ends_at < ?');
  }

  load(roomId: string, role: Role): SlotBinding | undefined {
    const row = this.select.get(roomId, role);
    return row === undefined
      ? undefined
      : { jti: row.ticket_id, iat: row.issued_at, sx: row.session_ends_at };
  }

  save(roomId: string, role: Role, binding: SlotBinding): void {
    this.upsert.run(roomId, role, binding.jti, binding.iat, binding.sx);
  }

  forgetRoom(roomId: string): void {
    this.deleteRoom.run(roomId);
  }

  sweep(now: number): void {
    this.deleteEnded.run(now);
  }
}
