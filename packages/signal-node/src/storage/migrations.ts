import type { Database } from 'better-sqlite3';

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * Numbered schema changes, applied in order, each once, each in its own transaction.
 * A published migration is never edited; a change is a new migration.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'rooms',
    sql: `CREATE TABLE rooms (
      room_id TEXT PRIMARY KEY,
      proof_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER
    )`,
  },
  {
    version: 2,
    name: 'accounts',
    sql: `CREATE TABLE therapists (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT NOT NULL UNIQUE,
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE sessions (
      token_hash TEXT PRIMARY KEY,
      therapist_id TEXT NOT NULL REFERENCES therapists (id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL
    );
    CREATE INDEX sessions_by_therapist ON sessions (therapist_id);
    CREATE TABLE client_profiles (
      id TEXT PRIMARY KEY,
      therapist_id TEXT NOT NULL REFERENCES therapists (id) ON DELETE CASCADE,
      confidential_id TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE INDEX client_profiles_by_therapist ON client_profiles (therapist_id);
    ALTER TABLE rooms ADD COLUMN client_profile_id TEXT
      REFERENCES client_profiles (id) ON DELETE CASCADE;
    CREATE INDEX rooms_by_client_profile ON rooms (client_profile_id)`,
  },
  {
    version: 3,
    name: 'session bindings',
    sql: `CREATE TABLE session_bindings (
      room_id TEXT NOT NULL REFERENCES rooms (room_id) ON DELETE CASCADE,
      role TEXT NOT NULL,
      ticket_id TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      session_ends_at INTEGER NOT NULL,
      PRIMARY KEY (room_id, role)
    )`,
  },
];

export function migrate(db: Database, now: number): void {
  db.exec(`CREATE TABLE IF NOT EXISTS migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM migrations')
      .all()
      .map((row) => row.version),
  );
  const record = db.prepare('INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) {
      continue;
    }
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, now);
    })();
  }
}

export const LATEST_MIGRATION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
