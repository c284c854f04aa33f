import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, type TestCoturn } from './support/coturn.js';
import { permissionsFor } from './support/turn-client.js';

// The coturn configuration that docs/self-hosting.md tells operators to deploy, run
// for real: read from the doc itself so the two cannot drift apart, moved onto
// loopback, and asked to relay to the addresses it promises to refuse. The test
// configuration the call tests use (which must allow loopback) serves as the control.

const DOC = readFileSync(new URL('../../docs/self-hosting.md', import.meta.url), 'utf8');
const PRODUCTION_CONFIG = /```ini\n([\s\S]*?)```/.exec(DOC)?.[1] ?? '';

/** Addresses a relay must never reach: loopback, RFC 1918, CGNAT, link-local, metadata. */
const FORBIDDEN_PEERS = [
  '127.0.0.1',
  '10.1.2.3',
  '172.16.5.4',
  '192.168.1.1',
  '100.64.0.1',
  '169.254.169.254',
  '0.0.0.1',
];

let production: TestCoturn;
let testOnly: TestCoturn;

beforeAll(async () => {
  production = await startCoturn({ productionConfig: PRODUCTION_CONFIG });
  testOnly = await startCoturn();
});

afterAll(async () => {
  await production?.stop();
  await testOnly?.stop();
});

/** A coturn REST credential valid for a minute, for `coturn`'s secret. */
function credential(coturn: TestCoturn): { username: string; password: string } {
  const username = `${Math.floor(Date.now() / 1000) + 60}:test`;
  const password = createHmac('sha1', coturn.secret).update(username).digest('base64');
  return { username, password };
}

describe('the production coturn configuration from docs/self-hosting.md', () => {
  it('is found in the doc and never allows loopback peers', () => {
    expect(PRODUCTION_CONFIG).toContain('use-auth-secret');
    expect(PRODUCTION_CONFIG).toContain('denied-peer-ip=');
    expect(PRODUCTION_CONFIG).not.toMatch(/^\s*allow-loopback-peers/m);
  });

  it('refuses to relay to loopback, private, link-local and metadata addresses', async () => {
    const { username, password } = credential(production);
    const outcomes = await permissionsFor(production.port, username, password, FORBIDDEN_PEERS);
    // 403 Forbidden: the server refuses that peer (RFC 5766 section 9.1).
    expect(outcomes).toEqual(Object.fromEntries(FORBIDDEN_PEERS.map((peer) => [peer, 403])));
  });

  it('still relays to a public address: a relay that refuses everyone is no relay', async () => {
    // CreatePermission only installs state in coturn; nothing is sent to this address.
    const { username, password } = credential(production);
    expect(await permissionsFor(production.port, username, password, ['1.0.0.1'])).toEqual({
      '1.0.0.1': 'granted',
    });
  });

  it('while the same request succeeds where loopback is allowed (the control)', async () => {
    const { username, password } = credential(testOnly);
    expect(await permissionsFor(testOnly.port, username, password, ['127.0.0.1'])).toEqual({
      '127.0.0.1': 'granted',
    });
  });
});
