import { BbError } from '../errors/index.js';
import { fromBase64Url, toBase64Url } from '../util/base64url.js';
import { randomBytes } from '../util/random.js';
import { LINK_KEY_BYTES, deriveLinkSecrets, hashProof } from './derive.js';

/** The fragment parameter that carries the key: `https://site/join#k=<key>`. */
export const LINK_KEY_PARAM = 'k';

/** An unpadded base64url encoding of 32 bytes is always 43 characters. */
const ENCODED_KEY_LENGTH = 43;

/**
 * A parsed or freshly created session link and everything derived from its key.
 *
 * The key lives only in the URL fragment, which browsers never send to servers
 * (RFC 3986 section 3.5; Fetch strips it from requests and from Referer).
 * `toJSON()` deliberately leaves the secrets out, so logging or serialising a link
 * by mistake shows only its room id.
 */
export class SessionLink {
  /** The complete link, key included. Give it only to the client of this session. */
  readonly url: string;
  readonly roomId: string;
  /** Shown to the server to get a client ticket. */
  readonly proof: string;
  /** What the server stores for this link: base64url(SHA-256(proof)). */
  readonly proofHash: string;
  /** Never leaves the browser. */
  readonly bindingKey: Uint8Array;

  private constructor(url: string, key: Uint8Array) {
    const secrets = deriveLinkSecrets(key);
    this.url = url;
    this.roomId = secrets.roomId;
    this.proof = secrets.proof;
    this.proofHash = hashProof(secrets.proof);
    this.bindingKey = secrets.bindingKey;
  }

  /**
   * Makes a new link under `baseUrl` (for example `https://practice.example/join`)
   * with a fresh 256-bit key from the platform CSPRNG. Any fragment on `baseUrl` is
   * replaced.
   */
  static create(baseUrl: string | URL): SessionLink {
    const url = parseUrl(baseUrl, 'baseUrl');
    if (url.searchParams.has(LINK_KEY_PARAM)) {
      throw new BbError(
        'BB_ERR_LINK_MALFORMED',
        `SessionLink.create: baseUrl must not carry a "${LINK_KEY_PARAM}" query parameter`,
      );
    }
    const key = randomBytes(LINK_KEY_BYTES);
    url.hash = `${LINK_KEY_PARAM}=${toBase64Url(key)}`;
    return new SessionLink(url.href, key);
  }

  /**
   * Reads a link. Throws `BB_ERR_LINK_MALFORMED` when the text is not an absolute
   * URL or its fragment has no key, and `BB_ERR_LINK_KEY_INVALID` when the key is
   * not exactly 32 bytes of unpadded base64url.
   */
  static parse(link: string | URL): SessionLink {
    const url = parseUrl(link, 'link');
    if (url.searchParams.has(LINK_KEY_PARAM)) {
      // A key in the query string has already been sent to a server; refuse it so
      // that a mangled link is noticed instead of silently used.
      throw new BbError(
        'BB_ERR_LINK_MALFORMED',
        'The session link carries its key in the query string; it must be in the fragment',
      );
    }
    const fragment = new URLSearchParams(url.hash.replace(/^#/, ''));
    const encoded = fragment.get(LINK_KEY_PARAM);
    if (encoded === null || encoded === '') {
      throw new BbError('BB_ERR_LINK_MALFORMED', 'The session link has no key in its fragment');
    }
    return new SessionLink(url.href, decodeKey(encoded));
  }

  /** The link without its fragment: safe to show in an address bar or a log. */
  get urlWithoutKey(): string {
    const url = new URL(this.url);
    url.hash = '';
    return url.href;
  }

  toJSON(): { roomId: string } {
    return { roomId: this.roomId };
  }
}

function parseUrl(value: string | URL, name: string): URL {
  if (value instanceof URL) {
    return new URL(value.href);
  }
  if (typeof value !== 'string') {
    throw new TypeError(`${name} must be a string or URL`);
  }
  try {
    return new URL(value);
  } catch (cause) {
    throw new BbError('BB_ERR_LINK_MALFORMED', `${name} is not an absolute URL`, { cause });
  }
}

function decodeKey(encoded: string): Uint8Array {
  if (encoded.length !== ENCODED_KEY_LENGTH) {
    throw new BbError(
      'BB_ERR_LINK_KEY_INVALID',
      `The link key must be ${ENCODED_KEY_LENGTH} base64url characters, got ${encoded.length}`,
    );
  }
  try {
    return fromBase64Url(encoded);
  } catch (cause) {
    throw new BbError('BB_ERR_LINK_KEY_INVALID', 'The link key is not valid base64url', { cause });
  }
}
