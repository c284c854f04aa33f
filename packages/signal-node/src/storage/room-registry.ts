/**
 * The rooms bb-signal knows: a room id and the hash of its link's server proof,
 * nothing else (DESIGN.md, "Data the server may hold"). The interface is async so a
 * PostgreSQL registry for several nodes can replace the SQLite one without changing
 * its callers.
 */
export interface RoomRecord {
  readonly roomId: string;
  readonly proofHash: string;
  /** Unix milliseconds. */
  readonly createdAt: number;
  /** Unix milliseconds, or null while the link is usable. */
  readonly revokedAt: number | null;
}

export type RegisterOutcome = 'created' | 'exists' | 'conflict' | 'revoked';

export interface RoomRegistry {
  /** Registers a room; idempotent for the same pair, `conflict` for another proof hash. */
  register(roomId: string, proofHash: string, now: number): Promise<RegisterOutcome>;
  find(roomId: string): Promise<RoomRecord | undefined>;
  /** Marks a room revoked; false when it is unknown. Revoking twice is not an error. */
  revoke(roomId: string, now: number): Promise<boolean>;
  close(): Promise<void>;
}
