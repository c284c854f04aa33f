import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { migrate } from './migrations.js';
import type { RegisterOutcome, RoomRecord, RoomRegistry } from './room-registry.js';

interface RoomRow {
  room_id: string;
  proof_hash: string;
  created_at: number;
  revoked_at: number | null;
}

/** The single-node room registry: one SQLite file through better-sqlite3. */
export class SqliteRoomRegistry implements RoomRegistry {
  private readonly db: Database;
  private readonly selectRoom: Statement<[string], RoomRow>;
  private readonly insertRoom: Statement<[string, string, number]>;
  private readonly revokeRoom: Statement<[number, string]>;
  private readonly registerTransaction: (
    roomId: string,
    proofHash: string,
    now: number,
  ) => RegisterOutcome;

  constructor(path: string, now: number) {
    this.db = new BetterSqlite3(path);
    // WAL lets readers proceed while a write commits (https://sqlite.org/wal.html).
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    // Deleted or overwritten rows are zeroed on disk rather than left in free pages.
    this.db.pragma('secure_delete = ON');
    // Off by default in SQLite; account deletion relies on ON DELETE CASCADE.
    this.db.pragma('foreign_keys = ON');
    migrate(this.db, now);
    this.selectRoom = this.db.prepare(
      'SELECT room_id, proof_hash, created_at, revoked_at FROM rooms WHERE room_id = ?',
    );
    this.insertRoom = this.db.prepare(
      'INSERT INTO rooms (room_id, proof_hash, created_at, revoked_at) VALUES (?, ?, ?, NULL)',
    );
    this.revokeRoom = this.db.prepare(
      'UPDATE rooms SET revoked_at = ? WHERE room_id = ? AND revoked_at IS NULL',
    );
    this.registerTransaction = this.db.transaction((roomId, proofHash, now) => {
      const existing = this.selectRoom.get(roomId);
      if (existing === undefined) {
        this.insertRoom.run(roomId, proofHash, now);
        return 'created';
      }
      if (existing.revoked_at !== null) {
        return 'revoked';
      }
      return existing.proof_hash === proofHash ? 'exists' : 'conflict';
    });
  }

  /** The open database, shared with the account store so both write one file. */
  get database(): Database {
    return this.db;
  }

  async register(roomId: string, proofHash: string, now: number): Promise<RegisterOutcome> {
    return this.registerTransaction(roomId, proofHash, now);
  }

  async find(roomId: string): Promise<RoomRecord | undefined> {
    const row = this.selectRoom.get(roomId);
    if (row === undefined) {
      return undefined;
    }
    return {
      roomId: row.room_id,
      proofHash: row.proof_hash,
      createdAt: row.created_at,
      revokedAt: row.revoked_at,
    };
  }

  async revoke(roomId: string, now: number): Promise<boolean> {
    this.revokeRoom.run(now, roomId);
    return this.selectRoom.get(roomId) !== undefined;
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.close();
    }
  }
}
