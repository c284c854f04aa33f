import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { Role } from '../protocol/index.js';

/**
 * Labels of the fingerprint proof. Each derived value has its own, so one output says
 * nothing about another (RFC 5869 section 3.2). Changing one breaks compatibility with
 * every peer that still uses the old one.
 */
export const PROOF_LABELS = {
  transcript: 'bilateral-base/v1/fingerprint-proof',
  proofKey: 'bilateral-base/v1/proof-key',
  commitment: 'bilateral-base/v1/nonce-commitment',
  safetyCode: 'bilateral-base/v1/safety-code',
} as const;

/** Length of each side's fresh nonce in bytes. */
export const NONCE_BYTES = 32;

/** What both sides must agree on for the proof to pass. */
export interface TranscriptInput {
  readonly roomId: string;
  readonly hostNonce: Uint8Array;
  readonly clientNonce: Uint8Array;
  /** The host's DTLS certificate fingerprint (sha-256), in any case, with colons. */
  readonly hostFingerprint: string;
  readonly clientFingerprint: string;
}

/**
 * Normalises a sha-256 fingerprint to the RFC 8122 section 5 form: uppercase hex pairs
 * joined by colons. Returns undefined for anything that is not 32 such pairs.
 */
export function normaliseFingerprint(value: string): string | undefined {
  const upper = value.trim().toUpperCase();
  return /^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/.test(upper) ? upper : undefined;
}

function lengthPrefixed(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + 4 + part.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const part of parts) {
    view.setUint32(offset, part.length, false);
    out.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return out;
}

function fingerprintBytes(fingerprint: string, name: string): Uint8Array {
  const normal = normaliseFingerprint(fingerprint);
  if (normal === undefined) {
    throw new RangeError(`encodeTranscript: ${name} is not a sha-256 fingerprint`);
  }
  return utf8ToBytes(normal);
}

function checkNonce(nonce: Uint8Array, name: string): Uint8Array {
  if (!(nonce instanceof Uint8Array)) {
    throw new TypeError(`encodeTranscript: ${name} must be a Uint8Array`);
  }
  if (nonce.length !== NONCE_BYTES) {
    throw new RangeError(`encodeTranscript: ${name} must be ${NONCE_BYTES} bytes`);
  }
  return nonce;
}

/**
 * The canonical transcript: every field as a 4-byte big-endian length and its bytes, in
 * a fixed order with the host's values first, so no two different inputs share an
 * encoding and both sides build the same bytes.
 */
export function encodeTranscript(input: TranscriptInput): Uint8Array {
  return lengthPrefixed([
    utf8ToBytes(PROOF_LABELS.transcript),
    utf8ToBytes(input.roomId),
    utf8ToBytes('host'),
    utf8ToBytes('client'),
    checkNonce(input.hostNonce, 'hostNonce'),
    checkNonce(input.clientNonce, 'clientNonce'),
    fingerprintBytes(input.hostFingerprint, 'hostFingerprint'),
    fingerprintBytes(input.clientFingerprint, 'clientFingerprint'),
  ]);
}

/** The MAC key, derived from the link's binding key so the MAC key is used for nothing else. */
export function proofKey(bindingKey: Uint8Array): Uint8Array {
  return hkdf(sha256, bindingKey, undefined, utf8ToBytes(PROOF_LABELS.proofKey), 32);
}

/**
 * One side's proof: HMAC-SHA256 (RFC 2104) over the transcript and the sender's role.
 * The role keeps a peer from reflecting the other's proof back as its own.
 */
export function computeProof(bindingKey: Uint8Array, transcript: Uint8Array, sender: Role) {
  return hmac(sha256, proofKey(bindingKey), lengthPrefixed([transcript, utf8ToBytes(sender)]));
}

/** Commitment to a nonce, sent before the nonce itself (see `ProofSession`). */
export function commitNonce(nonce: Uint8Array): Uint8Array {
  return sha256(lengthPrefixed([utf8ToBytes(PROOF_LABELS.commitment), nonce]));
}

/**
 * Six decimal digits from the transcript, equal on both sides when they saw the same
 * certificates. The reduction of 32 bits modulo 10^6 is biased by under 0.03 percent.
 */
export function safetyCode(transcript: Uint8Array): string {
  const bytes = hkdf(sha256, transcript, undefined, utf8ToBytes(PROOF_LABELS.safetyCode), 4);
  const value = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false);
  return String(value % 1_000_000).padStart(6, '0');
}

/** Compares two byte strings in time that depends only on their lengths. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) {
    return false;
  }
  let difference = 0;
  for (let index = 0; index < a.length; index += 1) {
    difference |= (a[index] as number) ^ (b[index] as number);
  }
  return difference === 0;
}
