import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  commitNonce,
  computeProof,
  encodeTranscript,
  equalBytes,
  normaliseFingerprint,
  safetyCode,
} from '../src/verification/transcript.js';
import { sdpFingerprints } from '../src/verification/fingerprints.js';

const HOST_FP = Array.from({ length: 32 }, (_, i) => i.toString(16).padStart(2, '0')).join(':');
const CLIENT_FP = Array.from({ length: 32 }, (_, i) => (255 - i).toString(16).padStart(2, '0'))
  .join(':')
  .toUpperCase();
const INPUT = {
  roomId: 'AAAAAAAAAAAAAAAAAAAAAA',
  hostNonce: new Uint8Array(32).fill(1),
  clientNonce: new Uint8Array(32).fill(2),
  hostFingerprint: HOST_FP,
  clientFingerprint: CLIENT_FP,
};
const BINDING_KEY = new Uint8Array(32).fill(7);

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The transcript built by hand from its definition, independently of the code. */
function handTranscript(): Buffer {
  const field = (bytes: Uint8Array | string) => {
    const body = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    return Buffer.concat([length, body]);
  };
  return Buffer.concat([
    field('bilateral-base/v1/fingerprint-proof'),
    field(INPUT.roomId),
    field('host'),
    field('client'),
    field(INPUT.hostNonce),
    field(INPUT.clientNonce),
    field(HOST_FP.toUpperCase()),
    field(CLIENT_FP),
  ]);
}

describe('fingerprint proof transcript', () => {
  it('encodes every field length-prefixed, host first, fingerprints uppercased', () => {
    const transcript = encodeTranscript(INPUT);
    expect(hex(transcript)).toBe(handTranscript().toString('hex'));
    expect(transcript.length).toBe(353);
    expect(hex(createHash('sha256').update(transcript).digest())).toBe(
      'eb5da87888df402e8a9caeb5ce7c6608f90ce13f2e52798fb5df0d2268d22f3f',
    );
  });

  it('keys an HMAC-SHA256 by HKDF(binding key, proof-key label) over transcript and sender', () => {
    const transcript = encodeTranscript(INPUT);
    const key = Buffer.from(
      hkdfSync('sha256', BINDING_KEY, Buffer.alloc(0), 'bilateral-base/v1/proof-key', 32),
    );
    const senderField = Buffer.from([0, 0, 0, 4, ...Buffer.from('host')]);
    const transcriptField = Buffer.concat([Buffer.alloc(4), Buffer.from(transcript)]);
    transcriptField.writeUInt32BE(transcript.length);
    const expected = createHmac('sha256', key)
      .update(Buffer.concat([transcriptField, senderField]))
      .digest('hex');
    expect(hex(computeProof(BINDING_KEY, transcript, 'host'))).toBe(expected);
    expect(hex(computeProof(BINDING_KEY, transcript, 'host'))).toBe(
      '570367823e8264e3cf2fe6ddf0c51c646de88219b2bd4b40391554e452cc1574',
    );
    expect(hex(computeProof(BINDING_KEY, transcript, 'client'))).not.toBe(expected);
  });

  it('derives the same six-digit safety code from the same transcript, another from another', () => {
    const code = safetyCode(encodeTranscript(INPUT));
    expect(code).toMatch(/^\d{6}$/);
    expect(code).toBe('995668');
    const swapped = { ...INPUT, clientFingerprint: HOST_FP, hostFingerprint: CLIENT_FP };
    expect(safetyCode(encodeTranscript(swapped))).not.toBe(code);
  });

  it('commits to a nonce with a labelled SHA-256', () => {
    expect(hex(commitNonce(INPUT.hostNonce))).toBe(
      '5308f8530f306133f1d024e2d3ddcf3114b876aa8bbc063b9e03aac0bdd564be',
    );
  });

  it('refuses malformed inputs with the error kind that names the field', () => {
    expect(() => encodeTranscript({ ...INPUT, hostNonce: new Uint8Array(31) })).toThrow(
      /hostNonce must be 32 bytes/,
    );
    expect(() => encodeTranscript({ ...INPUT, clientFingerprint: 'AB:CD' })).toThrow(RangeError);
  });

  it('normalises fingerprints and compares bytes', () => {
    expect(normaliseFingerprint(` ${HOST_FP} `)).toBe(HOST_FP.toUpperCase());
    expect(normaliseFingerprint(HOST_FP.replaceAll(':', ''))).toBeUndefined();
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(equalBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(equalBytes(new Uint8Array([1]), new Uint8Array([1, 0]))).toBe(false);
  });

  it('reads every a=fingerprint line of a description, marking other algorithms unusable', () => {
    const sdp = [
      'v=0',
      `a=fingerprint:sha-256 ${HOST_FP}`,
      'm=audio 9 UDP/TLS/RTP/SAVPF 111',
      `a=fingerprint:SHA-256 ${CLIENT_FP}`,
      'a=fingerprint:sha-1 AA:BB',
    ].join('\r\n');
    expect(sdpFingerprints(sdp)).toEqual([HOST_FP.toUpperCase(), CLIENT_FP, 'unusable']);
  });
});
