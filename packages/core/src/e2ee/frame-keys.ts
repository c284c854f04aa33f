import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Role } from '../protocol/index.js';

/**
 * The HKDF label of the frame keys. It differs from every label of the fingerprint proof
 * (verification/transcript.ts), so a frame key says nothing about the proof key, the
 * commitments or the safety code (RFC 5869 section 3.2).
 */
export const FRAME_KEY_LABEL = 'bilateral-base/v1/frame-key';

/** AES-256-GCM keys are 32 bytes. */
export const FRAME_KEY_BYTES = 32;

const NONCE_BYTES = 32;

/** One direction of the media: the host's frames to the client, or the client's to the host. */
export type FrameDirection = 'host-to-client' | 'client-to-host';

/** The two keys of one side: the one it encrypts with and the one it decrypts with. */
export interface FrameKeys {
  readonly send: Uint8Array;
  readonly receive: Uint8Array;
}

/** What both sides hold once the fingerprint proof passed. */
export interface FrameKeyInput {
  /** The link's binding key: only the two participants hold it, never the server. */
  readonly bindingKey: Uint8Array;
  /** The host's proof nonce, fresh for every proof. */
  readonly hostNonce: Uint8Array;
  readonly clientNonce: Uint8Array;
}

function checkBytes(value: Uint8Array, name: string, length: number): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`deriveFrameKey: ${name} must be a Uint8Array`);
  }
  if (value.length !== length) {
    throw new RangeError(`deriveFrameKey: ${name} must be ${length} bytes`);
  }
  return value;
}

/**
 * The key of one direction: HKDF-SHA256 (RFC 5869) with the binding key as input keying
 * material, both nonces as salt in a fixed order (host first, so both sides build the
 * same bytes), and the label and direction as info. Fresh nonces give every proof, and
 * so every reconnection, new keys; the direction gives each side its own key, so the
 * two directions never share a key and so never share an IV space.
 */
export function deriveFrameKey(input: FrameKeyInput, direction: FrameDirection): Uint8Array {
  const bindingKey = checkBytes(input.bindingKey, 'bindingKey', 32);
  const hostNonce = checkBytes(input.hostNonce, 'hostNonce', NONCE_BYTES);
  const clientNonce = checkBytes(input.clientNonce, 'clientNonce', NONCE_BYTES);
  if (direction !== 'host-to-client' && direction !== 'client-to-host') {
    throw new RangeError('deriveFrameKey: direction must be host-to-client or client-to-host');
  }
  const salt = new Uint8Array(NONCE_BYTES * 2);
  salt.set(hostNonce, 0);
  salt.set(clientNonce, NONCE_BYTES);
  const info = utf8ToBytes(`${FRAME_KEY_LABEL}/${direction}`);
  return hkdf(sha256, bindingKey, salt, info, FRAME_KEY_BYTES);
}

/** The send and receive keys of `role`. */
export function deriveFrameKeys(input: FrameKeyInput, role: Role): FrameKeys {
  const host = deriveFrameKey(input, 'host-to-client');
  const client = deriveFrameKey(input, 'client-to-host');
  return role === 'host' ? { send: host, receive: client } : { send: client, receive: host };
}
