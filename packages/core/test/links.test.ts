import { hkdfSync, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BbError,
  SessionLink,
  deriveLinkSecrets,
  hashProof,
  DERIVATION_LABELS,
} from '../src/index.js';

const VECTOR_KEY = Uint8Array.from({ length: 32 }, (_, index) => index);
const VECTOR_LINK = 'https://practice.example/join#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

// Expected values computed once and fixed here. They are also recomputed below with
// Node's own HKDF, an implementation independent of @noble/hashes.
const VECTOR = {
  roomId: 'jQ6Oi_RB2MxuZekRq97eiw',
  proof: 'xODTZ6hh66SqzNdyz6HNiSY03hhfj5cJ2o4PGGuCcD8',
  proofHash: 'avwW2TC71_sHQH70TgNok-mfUFsUotjBRVAhpOI3_B0',
  bindingKeyHex: '979fcf01f5a9d3ec48d507221f48ed64e286835ec1da88e9f3c96e76c2c591a4',
};

function nodeHkdf(label: string, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', VECTOR_KEY, new Uint8Array(0), label, length));
}

describe('link derivation', () => {
  it('matches the fixed vectors', () => {
    const secrets = deriveLinkSecrets(VECTOR_KEY);
    expect(secrets.roomId).toBe(VECTOR.roomId);
    expect(secrets.proof).toBe(VECTOR.proof);
    expect(Buffer.from(secrets.bindingKey).toString('hex')).toBe(VECTOR.bindingKeyHex);
    expect(hashProof(secrets.proof)).toBe(VECTOR.proofHash);
  });

  it('agrees with an independent HKDF and SHA-256', () => {
    const secrets = deriveLinkSecrets(VECTOR_KEY);
    expect(secrets.roomId).toBe(nodeHkdf(DERIVATION_LABELS.roomId, 16).toString('base64url'));
    expect(secrets.proof).toBe(nodeHkdf(DERIVATION_LABELS.serverProof, 32).toString('base64url'));
    expect(Buffer.from(secrets.bindingKey)).toEqual(nodeHkdf(DERIVATION_LABELS.bindingKey, 32));
    const proofBytes = Buffer.from(secrets.proof, 'base64url');
    expect(hashProof(secrets.proof)).toBe(
      createHash('sha256').update(proofBytes).digest('base64url'),
    );
  });

  it('gives three unrelated values for the three labels', () => {
    const secrets = deriveLinkSecrets(VECTOR_KEY);
    const proofBytes = Buffer.from(secrets.proof, 'base64url');
    expect(proofBytes.equals(Buffer.from(secrets.bindingKey))).toBe(false);
    expect(proofBytes.subarray(0, 16).toString('base64url')).not.toBe(secrets.roomId);
  });

  it('checks its argument', () => {
    expect(() => deriveLinkSecrets(new Uint8Array(31))).toThrow(RangeError);
    expect(() => deriveLinkSecrets('key' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => hashProof('AAAA')).toThrow(RangeError);
    expect(() => hashProof('not base64url!')).toThrow(BbError);
  });
});

describe('SessionLink', () => {
  it('parses the vector link', () => {
    const link = SessionLink.parse(VECTOR_LINK);
    expect(link.roomId).toBe(VECTOR.roomId);
    expect(link.proofHash).toBe(VECTOR.proofHash);
    expect(link.urlWithoutKey).toBe('https://practice.example/join');
  });

  it('creates links with a fresh 256-bit key in the fragment only', () => {
    const first = SessionLink.create('https://practice.example/join?lang=en#old');
    const second = SessionLink.create(new URL('https://practice.example/join'));
    const url = new URL(first.url);
    expect(url.search).toBe('?lang=en');
    expect(url.hash).toMatch(/^#k=[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(url.hash.slice(3), 'base64url')).toHaveLength(32);
    expect(first.roomId).not.toBe(second.roomId);
    expect(SessionLink.parse(first.url).proof).toBe(first.proof);
  });

  it('never serialises its secrets', () => {
    const link = SessionLink.parse(VECTOR_LINK);
    const json = JSON.stringify({ link });
    expect(json).toBe(`{"link":{"roomId":"${VECTOR.roomId}"}}`);
  });

  const malformed: Array<[string, string]> = [
    ['not a url', 'BB_ERR_LINK_MALFORMED'],
    ['/join#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', 'BB_ERR_LINK_MALFORMED'],
    ['https://practice.example/join', 'BB_ERR_LINK_MALFORMED'],
    ['https://practice.example/join#k=', 'BB_ERR_LINK_MALFORMED'],
    ['https://practice.example/join#key=abc', 'BB_ERR_LINK_MALFORMED'],
    [
      'https://practice.example/join?k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8',
      'BB_ERR_LINK_MALFORMED',
    ],
    [
      'https://practice.example/join#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh',
      'BB_ERR_LINK_KEY_INVALID',
    ],
    [
      'https://practice.example/join#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A',
      'BB_ERR_LINK_KEY_INVALID',
    ],
    [
      'https://practice.example/join#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh+',
      'BB_ERR_LINK_KEY_INVALID',
    ],
    // Same length, but the last character has non-zero trailing bits: not canonical.
    [
      'https://practice.example/join#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9',
      'BB_ERR_LINK_KEY_INVALID',
    ],
  ];
  it.each(malformed)('refuses %s with %s', (text, code) => {
    expect(() => SessionLink.parse(text)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses a non-string', () => {
    expect(() => SessionLink.parse(42 as unknown as string)).toThrow(TypeError);
  });
});
