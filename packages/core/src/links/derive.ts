import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { BbError } from '../errors/index.js';
import { fromBase64Url, toBase64Url } from '../util/base64url.js';

/** Length of a link key in bytes: 256 bits. */
export const LINK_KEY_BYTES = 32;

/**
 * HKDF info labels (RFC 5869 section 3.2): one per derived value, so that knowing one
 * output says nothing about another. The version lets a later link format change the
 * derivation without ambiguity. Changing a label changes every existing link.
 */
export const DERIVATION_LABELS = {
  roomId: 'bilateral-base/v1/room-id',
  serverProof: 'bilateral-base/v1/server-proof',
  bindingKey: 'bilateral-base/v1/binding-key',
} as const;

/** Room ids are 128 bits: unique per link, and all the server needs to route. */
const ROOM_ID_BYTES = 16;
const PROOF_BYTES = 32;
const BINDING_KEY_BYTES = 32;

/** The values a link key yields, and who may see each. */
export interface LinkSecrets {
  /** base64url, 22 characters. Known to the server; routes the session. */
  readonly roomId: string;
  /** base64url, 43 characters. Shown to the server once per ticket; never stored there. */
  readonly proof: string;
  /** 32 bytes. Never leaves the browser; keys the peers' proof to each other. */
  readonly bindingKey: Uint8Array;
}

function expand(key: Uint8Array, label: string, length: number): Uint8Array {
  // The key is already uniformly random, so HKDF's salt adds nothing (RFC 5869
  // section 3.1) and is left empty; separation comes from the info label.
  return hkdf(sha256, key, undefined, utf8ToBytes(label), length);
}

/** Derives the room id, the server proof and the binding key from a 32-byte link key. */
export function deriveLinkSecrets(key: Uint8Array): LinkSecrets {
  if (!(key instanceof Uint8Array)) {
    throw new TypeError('deriveLinkSecrets: key must be a Uint8Array');
  }
  if (key.length !== LINK_KEY_BYTES) {
    throw new RangeError(
      `deriveLinkSecrets: key must be ${LINK_KEY_BYTES} bytes, got ${key.length}`,
    );
  }
  return {
    roomId: toBase64Url(expand(key, DERIVATION_LABELS.roomId, ROOM_ID_BYTES)),
    proof: toBase64Url(expand(key, DERIVATION_LABELS.serverProof, PROOF_BYTES)),
    bindingKey: expand(key, DERIVATION_LABELS.bindingKey, BINDING_KEY_BYTES),
  };
}

/**
 * The proof verifier the server stores: base64url(SHA-256(proof bytes)).
 *
 * The proof is 256 bits of HKDF output, so a fast hash is enough: there is no
 * low-entropy secret for a slow hash to protect. Browser and server share this one
 * function so they can never disagree on the encoding.
 */
export function hashProof(proof: string): string {
  if (typeof proof !== 'string') {
    throw new TypeError('hashProof: proof must be a string');
  }
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(proof);
  } catch (cause) {
    throw new BbError('BB_ERR_INVALID_ARGUMENT', 'hashProof: proof is not base64url', { cause });
  }
  if (bytes.length !== PROOF_BYTES) {
    throw new RangeError(
      `hashProof: proof must decode to ${PROOF_BYTES} bytes, got ${bytes.length}`,
    );
  }
  return toBase64Url(sha256(bytes));
}
