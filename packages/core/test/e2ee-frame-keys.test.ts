import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAME_KEY_LABEL, deriveFrameKey, deriveFrameKeys } from '../src/e2ee/frame-keys.js';
import { PROOF_LABELS } from '../src/verification/transcript.js';

const INPUT = {
  bindingKey: new Uint8Array(32).fill(7),
  hostNonce: new Uint8Array(32).fill(1),
  clientNonce: new Uint8Array(32).fill(2),
};

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** HKDF-SHA256 by Node's own implementation, from the definition in frame-keys.ts. */
function nodeKey(direction: string, hostNonce = INPUT.hostNonce, clientNonce = INPUT.clientNonce) {
  const salt = Buffer.concat([hostNonce, clientNonce]);
  const info = Buffer.from(`bilateral-base/v1/frame-key/${direction}`, 'utf8');
  return new Uint8Array(hkdfSync('sha256', INPUT.bindingKey, salt, info, 32));
}

describe('frame key derivation', () => {
  it('is HKDF-SHA256 of the binding key, salted with both nonces host first', () => {
    expect(hex(deriveFrameKey(INPUT, 'host-to-client'))).toBe(hex(nodeKey('host-to-client')));
    expect(hex(deriveFrameKey(INPUT, 'client-to-host'))).toBe(hex(nodeKey('client-to-host')));
  });

  it('matches the fixed vectors', () => {
    // Changing these breaks every call with a peer on an older version.
    expect(hex(deriveFrameKey(INPUT, 'host-to-client'))).toBe(
      'e47ea15c5a1256ac38a35035f4d1539c502f571aecb71c1da30791df5b07240a',
    );
    expect(hex(deriveFrameKey(INPUT, 'client-to-host'))).toBe(
      '19c58e86589c280183ec56915f1b4dde2859d036d06cb45a39b8f6e1c7fa4c0b',
    );
  });

  it('gives each side the other side’s send key as its receive key', () => {
    const host = deriveFrameKeys(INPUT, 'host');
    const client = deriveFrameKeys(INPUT, 'client');
    expect(hex(host.send)).toBe(hex(client.receive));
    expect(hex(client.send)).toBe(hex(host.receive));
    expect(hex(host.send)).not.toBe(hex(host.receive));
  });

  it('changes with either nonce, with their order, and with the binding key', () => {
    const base = hex(deriveFrameKey(INPUT, 'host-to-client'));
    const otherNonce = { ...INPUT, clientNonce: new Uint8Array(32).fill(3) };
    const swapped = { ...INPUT, hostNonce: INPUT.clientNonce, clientNonce: INPUT.hostNonce };
    const otherKey = { ...INPUT, bindingKey: new Uint8Array(32).fill(8) };
    for (const input of [otherNonce, swapped, otherKey]) {
      expect(hex(deriveFrameKey(input, 'host-to-client'))).not.toBe(base);
    }
  });

  it('uses a label of its own', () => {
    expect(FRAME_KEY_LABEL).toBe('bilateral-base/v1/frame-key');
    expect(Object.values(PROOF_LABELS)).not.toContain(FRAME_KEY_LABEL);
  });

  it('refuses wrong arguments, naming them', () => {
    expect(() =>
      deriveFrameKey({ ...INPUT, bindingKey: new Uint8Array(16) }, 'host-to-client'),
    ).toThrow(RangeError);
    expect(() =>
      deriveFrameKey({ ...INPUT, hostNonce: 'x' as unknown as Uint8Array }, 'host-to-client'),
    ).toThrow(/hostNonce must be a Uint8Array/);
    expect(() => deriveFrameKey(INPUT, 'sideways' as 'host-to-client')).toThrow(/direction/);
  });
});
