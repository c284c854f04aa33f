import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteRoomRegistry } from '../src/storage/sqlite-room-registry.js';

const ROOM = 'jQ6Oi_RB2MxuZekRq97eiw';
const HASH_A = 'avwW2TC71_sHQH70TgNok-mfUFsUotjBRVAhpOI3_B0';
const HASH_B = 'bvwW2TC71_sHQH70TgNok-mfUFsUotjBRVAhpOI3_B0';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bb-signal-'));
  dirs.push(dir);
  return join(dir, 'rooms.db');
}

describe('SQLite room registry', () => {
  it('registers, detects conflicts, revokes, and survives reopening', async () => {
    const path = tempDb();
    const registry = new SqliteRoomRegistry(path, 1000);
    expect(await registry.register(ROOM, HASH_A, 1000)).toBe('created');
    expect(await registry.register(ROOM, HASH_A, 2000)).toBe('exists');
    expect(await registry.register(ROOM, HASH_B, 2000)).toBe('conflict');
    expect(await registry.revoke('AAAAAAAAAAAAAAAAAAAAAA', 3000)).toBe(false);
    await registry.close();

    const reopened = new SqliteRoomRegistry(path, 4000);
    expect(await reopened.find(ROOM)).toEqual({
      roomId: ROOM,
      proofHash: HASH_A,
      createdAt: 1000,
      revokedAt: null,
    });
    expect(await reopened.revoke(ROOM, 5000)).toBe(true);
    expect(await reopened.revoke(ROOM, 6000)).toBe(true);
    expect((await reopened.find(ROOM))?.revokedAt).toBe(5000);
    expect(await reopened.register(ROOM, HASH_A, 7000)).toBe('revoked');
    await reopened.close();
  });

  it('uses WAL, records its migrations once, and holds only the allowed columns', async () => {
    const path = tempDb();
    await new SqliteRoomRegistry(path, 1).close();
    await new SqliteRoomRegistry(path, 2).close();
    const db = new BetterSqlite3(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT version, name, applied_at FROM migrations').all()).toEqual([
        { version: 1, name: 'rooms', applied_at: 1 },
        { version: 2, name: 'accounts', applied_at: 1 },
        { version: 3, name: 'session bindings', applied_at: 1 },
      ]);
      const columns = db.prepare("SELECT name FROM pragma_table_info('rooms')").all();
      expect(columns).toEqual([
        { name: 'room_id' },
        { name: 'proof_hash' },
        { name: 'created_at' },
        { name: 'revoked_at' },
        { name: 'client_profile_id' },
      ]);
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all();
      expect(tables).toEqual([
        { name: 'client_profiles' },
        { name: 'migrations' },
        { name: 'rooms' },
        { name: 'session_bindings' },
        { name: 'sessions' },
        { name: 'therapists' },
      ]);
    } finally {
      db.close();
    }
  });
});
