import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The storage half of local recording (docs/recording.md) promises that no code path
// sends recording data over the network. These are its files; the recorder's half has its
// own test with a real browser watching the network.
const STORAGE_FILES = [
  'chunk-crypto.ts',
  'chunk-format.ts',
  'chunk-index.ts',
  'decrypted-source.ts',
  'export-plan.ts',
  'locks.ts',
  'metadata-db.ts',
  'opfs.ts',
  'quota.ts',
  'recording-writer.ts',
  'remux.ts',
  'save-target.ts',
  'store.ts',
  'stored-recording.ts',
  'types.ts',
  'validate.ts',
];
const NETWORK_APIS =
  /\b(fetch|XMLHttpRequest|WebSocket|WebTransport|EventSource|sendBeacon|RTCPeerConnection|RTCDataChannel|UrlSource|importScripts)\b/;
const DIR = new URL('../src/recording/', import.meta.url);

describe('recording storage has no network code path', () => {
  it('lists every storage file it checks, and each exists', () => {
    const present = new Set(readdirSync(DIR));
    expect(STORAGE_FILES.filter((file) => !present.has(file))).toEqual([]);
  });

  it.each(STORAGE_FILES)('%s calls no network API', (file) => {
    const source = readFileSync(new URL(file, DIR), 'utf8')
      // Comments may name what the code does not do.
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    expect(source.match(NETWORK_APIS)?.[0]).toBeUndefined();
  });

  it('imports only local modules and mediabunny', () => {
    for (const file of STORAGE_FILES) {
      const source = readFileSync(new URL(file, DIR), 'utf8');
      const imports = [...source.matchAll(/(?:from|import\()\s*'([^']+)'/g)].map((m) => m[1]);
      expect(imports.filter((name) => !name?.startsWith('.') && name !== 'mediabunny')).toEqual([]);
    }
  });
});
