/**
 * Web Locks tell a live writer from a dead one. A writer holds the exclusive lock named
 * after its recording for as long as it runs; the browser releases a lock when its page
 * goes away, crash included (Web Locks API, section 3.2 "lock manager": locks are held by
 * an agent and released when it terminates). So a recording that is not finished and
 * whose lock is free was interrupted; one whose lock is held is being written, maybe in
 * another tab.
 */

const LOCK_PREFIX = 'bb-recording:';

/** The lock name of a recording. */
export function lockName(id: string): string {
  return LOCK_PREFIX + id;
}

/** A lock held until `release()` is called. */
export interface HeldLock {
  release(): void;
}

/** Takes a recording's lock, or returns undefined when someone else holds it. */
export function takeLock(id: string): Promise<HeldLock | undefined> {
  return new Promise((resolve, reject) => {
    let release!: () => void;
    const released = new Promise<void>((done) => (release = done));
    navigator.locks
      .request(lockName(id), { ifAvailable: true }, (lock) => {
        if (lock === null) {
          resolve(undefined);
          return undefined;
        }
        resolve({ release });
        return released;
      })
      .catch(reject);
  });
}

/** Names of the recordings whose lock is held right now, by any tab of this origin. */
export async function heldRecordingIds(): Promise<Set<string>> {
  const snapshot = await navigator.locks.query();
  const ids = new Set<string>();
  for (const lock of snapshot.held ?? []) {
    if (lock.name?.startsWith(LOCK_PREFIX) === true) {
      ids.add(lock.name.slice(LOCK_PREFIX.length));
    }
  }
  return ids;
}
