import type { Database } from 'better-sqlite3';

export interface TherapistRecord {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly createdAt: number;
}

export interface SessionRecord {
  readonly therapistId: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
}

export interface LinkRecord {
  readonly roomId: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface ProfileRecord {
  readonly id: string;
  readonly confidentialId: string;
  readonly createdAt: number;
  readonly links: readonly LinkRecord[];
}

export type AddLinkOutcome = 'created' | 'no-profile' | 'conflict';
export type RotateOutcome = 'rotated' | 'unknown' | 'conflict';

interface TherapistRow {
  id: string;
  name: string;
  email: string;
  password_hash: string;
  created_at: number;
}

interface LinkRow {
  room_id: string;
  created_at: number;
  revoked_at: number | null;
}

const toTherapist = (row: TherapistRow): TherapistRecord => ({
  id: row.id,
  name: row.name,
  email: row.email,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
});

const toLink = (row: LinkRow): LinkRecord => ({
  roomId: row.room_id,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

/**
 * Therapists, their login sessions, their client profiles and the links of those
 * profiles, in the same SQLite file as the rooms (DESIGN.md, "Data the server may
 * hold"; docs/privacy.md lists every column). Every query that touches a profile or a
 * link is scoped by the therapist's id, so one therapist can never reach another's.
 */
export class AccountStore {
  constructor(private readonly db: Database) {}

  createTherapist(record: TherapistRecord): 'created' | 'taken' {
    const result = this.db
      .prepare(
        `INSERT INTO therapists (id, name, email, password_hash, created_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
      )
      .run(record.id, record.name, record.email, record.passwordHash, record.createdAt);
    return result.changes === 1 ? 'created' : 'taken';
  }

  findTherapistByEmail(email: string): TherapistRecord | undefined {
    const row = this.db
      .prepare<[string], TherapistRow>('SELECT * FROM therapists WHERE email = ?')
      .get(email);
    return row && toTherapist(row);
  }

  findTherapist(id: string): TherapistRecord | undefined {
    const row = this.db
      .prepare<[string], TherapistRow>('SELECT * FROM therapists WHERE id = ?')
      .get(id);
    return row && toTherapist(row);
  }

  setPasswordHash(therapistId: string, passwordHash: string): void {
    this.db
      .prepare('UPDATE therapists SET password_hash = ? WHERE id = ?')
      .run(passwordHash, therapistId);
  }

  createSession(tokenHash: string, therapistId: string, now: number): void {
    this.db
      .prepare(
        'INSERT INTO sessions (token_hash, therapist_id, created_at, last_seen_at) ' +
          'VALUES (?, ?, ?, ?)',
      )
      .run(tokenHash, therapistId, now, now);
  }

  findSession(tokenHash: string): SessionRecord | undefined {
    const row = this.db
      .prepare<[string], { therapist_id: string; created_at: number; last_seen_at: number }>(
        'SELECT therapist_id, created_at, last_seen_at FROM sessions WHERE token_hash = ?',
      )
      .get(tokenHash);
    return (
      row && {
        therapistId: row.therapist_id,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
      }
    );
  }

  touchSession(tokenHash: string, now: number): void {
    this.db
      .prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?')
      .run(now, tokenHash);
  }

  deleteSession(tokenHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  deleteSessionsOf(therapistId: string): void {
    this.db.prepare('DELETE FROM sessions WHERE therapist_id = ?').run(therapistId);
  }

  /** Removes every session idle since `idleBefore` or created before `createdBefore`. */
  deleteExpiredSessions(idleBefore: number, createdBefore: number): void {
    this.db
      .prepare('DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?')
      .run(idleBefore, createdBefore);
  }

  listSessions(therapistId: string): SessionRecord[] {
    return this.db
      .prepare<[string], { created_at: number; last_seen_at: number }>(
        'SELECT created_at, last_seen_at FROM sessions WHERE therapist_id = ? ORDER BY created_at',
      )
      .all(therapistId)
      .map((row) => ({ therapistId, createdAt: row.created_at, lastSeenAt: row.last_seen_at }));
  }

  createProfile(id: string, therapistId: string, confidentialId: string, now: number): void {
    this.db
      .prepare(
        'INSERT INTO client_profiles (id, therapist_id, confidential_id, created_at) ' +
          'VALUES (?, ?, ?, ?)',
      )
      .run(id, therapistId, confidentialId, now);
  }

  /** The therapist's profiles with their links; revoked links only when `withRevoked`. */
  listProfiles(therapistId: string, withRevoked = false): ProfileRecord[] {
    const profiles = this.db
      .prepare<[string], { id: string; confidential_id: string; created_at: number }>(
        `SELECT id, confidential_id, created_at FROM client_profiles
         WHERE therapist_id = ? ORDER BY created_at, id`,
      )
      .all(therapistId);
    const links = this.db.prepare<[string], LinkRow>(
      `SELECT room_id, created_at, revoked_at FROM rooms WHERE client_profile_id = ?
       ${withRevoked ? '' : 'AND revoked_at IS NULL'} ORDER BY created_at, room_id`,
    );
    return profiles.map((row) => ({
      id: row.id,
      confidentialId: row.confidential_id,
      createdAt: row.created_at,
      links: links.all(row.id).map(toLink),
    }));
  }

  findProfile(profileId: string, therapistId: string): ProfileRecord | undefined {
    return this.listProfiles(therapistId).find((profile) => profile.id === profileId);
  }

  renameProfile(profileId: string, therapistId: string, confidentialId: string): boolean {
    const result = this.db
      .prepare('UPDATE client_profiles SET confidential_id = ? WHERE id = ? AND therapist_id = ?')
      .run(confidentialId, profileId, therapistId);
    return result.changes === 1;
  }

  /** Deletes the profile and its links; returns the usable room ids whose sockets must close. */
  deleteProfile(profileId: string, therapistId: string): string[] | undefined {
    return this.db.transaction(() => {
      const profile = this.findProfile(profileId, therapistId);
      if (profile === undefined) {
        return undefined;
      }
      this.db.prepare('DELETE FROM rooms WHERE client_profile_id = ?').run(profileId);
      this.db.prepare('DELETE FROM client_profiles WHERE id = ?').run(profileId);
      return profile.links.map((link) => link.roomId);
    })();
  }

  addLink(
    profileId: string,
    therapistId: string,
    roomId: string,
    proofHash: string,
    now: number,
  ): AddLinkOutcome {
    return this.db.transaction((): AddLinkOutcome => {
      if (!this.ownsProfile(profileId, therapistId)) {
        return 'no-profile';
      }
      return this.insertRoom(roomId, proofHash, profileId, now) ? 'created' : 'conflict';
    })();
  }

  /** The therapist owning a usable room, or undefined (unknown, revoked, or an API-key room). */
  ownerOfRoom(roomId: string): string | undefined {
    const row = this.db
      .prepare<[string], { therapist_id: string }>(
        `SELECT client_profiles.therapist_id FROM rooms
         JOIN client_profiles ON client_profiles.id = rooms.client_profile_id
         WHERE rooms.room_id = ? AND rooms.revoked_at IS NULL`,
      )
      .get(roomId);
    return row?.therapist_id;
  }

  /** Replaces a usable link by a new one of the same profile, in one transaction. */
  rotateLink(
    oldRoomId: string,
    therapistId: string,
    newRoomId: string,
    proofHash: string,
    now: number,
  ): RotateOutcome {
    return this.db.transaction((): RotateOutcome => {
      const profileId = this.profileOfUsableRoom(oldRoomId, therapistId);
      if (profileId === undefined) {
        return 'unknown';
      }
      if (!this.insertRoom(newRoomId, proofHash, profileId, now)) {
        return 'conflict';
      }
      this.db.prepare('UPDATE rooms SET revoked_at = ? WHERE room_id = ?').run(now, oldRoomId);
      return 'rotated';
    })();
  }

  revokeLink(roomId: string, therapistId: string, now: number): boolean {
    return this.db.transaction(() => {
      if (this.profileOfUsableRoom(roomId, therapistId) === undefined) {
        return false;
      }
      this.db.prepare('UPDATE rooms SET revoked_at = ? WHERE room_id = ?').run(now, roomId);
      return true;
    })();
  }

  /**
   * Deletes the therapist and, through ON DELETE CASCADE, their sessions, profiles and
   * rooms, in one transaction. Returns the usable room ids whose sockets must close.
   */
  deleteTherapist(therapistId: string): string[] {
    const roomIds = this.db.transaction(() => {
      const usable = this.listProfiles(therapistId).flatMap((profile) =>
        profile.links.map((link) => link.roomId),
      );
      this.db.prepare('DELETE FROM therapists WHERE id = ?').run(therapistId);
      return usable;
    })();
    // secure_delete zeroes the rows in the database file, but earlier copies of their
    // pages stay in the write-ahead log until a checkpoint. Checkpointing and truncating
    // the log now means the deleted name and email are gone from disk, not only from
    // queries. The deletion has committed either way; a busy checkpoint is retried by
    // SQLite's automatic checkpoints later.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return roomIds;
  }

  private ownsProfile(profileId: string, therapistId: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM client_profiles WHERE id = ? AND therapist_id = ?')
        .get(profileId, therapistId) !== undefined
    );
  }

  private profileOfUsableRoom(roomId: string, therapistId: string): string | undefined {
    const row = this.db
      .prepare<[string, string], { id: string }>(
        `SELECT client_profiles.id FROM rooms
         JOIN client_profiles ON client_profiles.id = rooms.client_profile_id
         WHERE rooms.room_id = ? AND client_profiles.therapist_id = ? AND rooms.revoked_at IS NULL`,
      )
      .get(roomId, therapistId);
    return row?.id;
  }

  private insertRoom(roomId: string, proofHash: string, profileId: string, now: number): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO rooms (room_id, proof_hash, created_at, revoked_at, client_profile_id)
         VALUES (?, ?, ?, NULL, ?) ON CONFLICT (room_id) DO NOTHING`,
      )
      .run(roomId, proofHash, now, profileId);
    return result.changes === 1;
  }
}
