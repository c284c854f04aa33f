import { BbError, isBbError } from '../errors/index.js';
import { SessionLink } from './session-link.js';

/**
 * Keeps the session links a therapist made, key included, in this browser's IndexedDB,
 * so the same link can be copied again later. The key never goes to a server.
 *
 * The key is stored in clear: a non-extractable CryptoKey cannot be used here, because
 * the whole point is to show the link (and so the key) again. Anyone who can read this
 * browser profile's storage (the device's other users, malware, a backup of the profile)
 * can read every stored link; docs/security.md says what that means.
 */

export const DEFAULT_KEY_STORE_NAME = 'bb-link-keys';
const STORE = 'links';
const VERSION = 1;

export interface StoredLink {
  /** The room id the link's key derives; the record's key. */
  readonly roomId: string;
  /** The complete link, key included. */
  readonly url: string;
  /** The client profile this link belongs to, when the site uses profiles. */
  readonly profileId: string | undefined;
  /** Unix milliseconds. */
  readonly storedAt: number;
}

export interface LinkKeyStoreOptions {
  /**
   * The page links must point at, for example `https://practice.example/join`. Links
   * for another origin or path are refused with `BB_ERR_LINK_FOREIGN`.
   */
  readonly joinUrl: string | URL;
  /** IndexedDB database name. Default `bb-link-keys`. */
  readonly databaseName?: string | undefined;
}

/**
 * Throws `BB_ERR_LINK_FOREIGN` unless `link` points at the same origin and path as
 * `joinUrl`: a link of another practice site has no room on this site's server, and
 * storing it would mix two sites' keys in one list.
 */
export function assertLinkBelongs(link: SessionLink, joinUrl: string | URL): void {
  const expected = new URL(joinUrl);
  const actual = new URL(link.url);
  if (actual.origin !== expected.origin || actual.pathname !== expected.pathname) {
    throw new BbError(
      'BB_ERR_LINK_FOREIGN',
      `This link is for ${actual.origin}${actual.pathname}, not ${expected.origin}` +
        `${expected.pathname}`,
    );
  }
}

function unavailable(cause: unknown): BbError {
  return new BbError(
    'BB_ERR_KEY_STORE_UNAVAILABLE',
    'This browser could not open or write its store of session links',
    { cause },
  );
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(unavailable(request.error));
  });
}

function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(unavailable(transaction.error));
    transaction.onabort = () => reject(unavailable(transaction.error));
  });
}

function isStoredLink(value: unknown): value is StoredLink {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const record = value as Record<string, unknown>;
  return (
    typeof record['roomId'] === 'string' &&
    typeof record['url'] === 'string' &&
    typeof record['storedAt'] === 'number'
  );
}

export class LinkKeyStore {
  private constructor(
    private readonly database: IDBDatabase,
    private readonly joinUrl: URL,
  ) {}

  /**
   * Opens (and on first use creates) the store. Throws `TypeError` for a wrong
   * `options`, and `BB_ERR_KEY_STORE_UNAVAILABLE` when IndexedDB is missing or blocked
   * (some private windows, or site storage turned off).
   */
  static async open(options: LinkKeyStoreOptions): Promise<LinkKeyStore> {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('options must be an object');
    }
    let joinUrl: URL;
    try {
      joinUrl = new URL(options.joinUrl);
    } catch {
      throw new TypeError('options.joinUrl must be an absolute URL');
    }
    const name = options.databaseName ?? DEFAULT_KEY_STORE_NAME;
    if (typeof name !== 'string' || name === '') {
      throw new TypeError('options.databaseName must be a non-empty string');
    }
    if (typeof indexedDB === 'undefined') {
      throw unavailable(new Error('indexedDB is not defined'));
    }
    let request: IDBOpenDBRequest;
    try {
      request = indexedDB.open(name, VERSION);
    } catch (cause) {
      throw unavailable(cause);
    }
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: 'roomId' });
    };
    const database = await done(request);
    return new LinkKeyStore(database, joinUrl);
  }

  /** Stores a link this page made; replaces a record with the same room id. */
  async save(link: SessionLink, profileId?: string): Promise<StoredLink> {
    if (!(link instanceof SessionLink)) {
      throw new TypeError('link must be a SessionLink');
    }
    if (profileId !== undefined && typeof profileId !== 'string') {
      throw new TypeError('profileId must be a string');
    }
    assertLinkBelongs(link, this.joinUrl);
    const record: StoredLink = {
      roomId: link.roomId,
      url: link.url,
      profileId,
      storedAt: Date.now(),
    };
    const transaction = this.transaction('readwrite');
    transaction.objectStore(STORE).put(record);
    await committed(transaction);
    return record;
  }

  /**
   * Reads a pasted link and stores it, so a link made on another device or before the
   * browser's storage was cleared can be copied again here. Throws
   * `BB_ERR_LINK_MALFORMED` or `BB_ERR_LINK_KEY_INVALID` for text that is not a session
   * link, and `BB_ERR_LINK_FOREIGN` for another site's link.
   */
  async importLink(pastedUrl: string, profileId?: string): Promise<StoredLink> {
    if (typeof pastedUrl !== 'string') {
      throw new TypeError('pastedUrl must be a string');
    }
    return this.save(SessionLink.parse(pastedUrl.trim()), profileId);
  }

  async get(roomId: string): Promise<StoredLink | undefined> {
    if (typeof roomId !== 'string') {
      throw new TypeError('roomId must be a string');
    }
    const value: unknown = await done(this.transaction('readonly').objectStore(STORE).get(roomId));
    return isStoredLink(value) ? value : undefined;
  }

  /** Every stored link, oldest first. */
  async list(): Promise<StoredLink[]> {
    const values: unknown[] = await done(this.transaction('readonly').objectStore(STORE).getAll());
    return values.filter(isStoredLink).sort((a, b) => a.storedAt - b.storedAt);
  }

  /** Forgets a link's key; true when there was one. */
  async delete(roomId: string): Promise<boolean> {
    const existed = (await this.get(roomId)) !== undefined;
    const transaction = this.transaction('readwrite');
    transaction.objectStore(STORE).delete(roomId);
    await committed(transaction);
    return existed;
  }

  /** Forgets every stored link, for a device the therapist stops using. */
  async clear(): Promise<void> {
    const transaction = this.transaction('readwrite');
    transaction.objectStore(STORE).clear();
    await committed(transaction);
  }

  close(): void {
    this.database.close();
  }

  private transaction(mode: IDBTransactionMode): IDBTransaction {
    try {
      return this.database.transaction(STORE, mode);
    } catch (cause) {
      throw isBbError(cause) ? cause : unavailable(cause);
    }
  }
}
