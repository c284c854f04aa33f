import { describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import { SessionLink } from '../src/links/index.js';
import { assertLinkBelongs, LinkKeyStore } from '../src/links/key-store.js';

// The IndexedDB side of LinkKeyStore runs in real Chromium through the practice site
// (test/e2e/practice-site-accounts.test.ts); here only the logic that needs no browser.

const JOIN = 'https://practice.example/join';

function refusal(link: SessionLink, joinUrl: string): unknown {
  try {
    assertLinkBelongs(link, joinUrl);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('which links a site may store', () => {
  it('accepts a link for its own join page', () => {
    expect(refusal(SessionLink.create(JOIN), JOIN)).toBeUndefined();
  });

  it.each([
    ['another site', 'https://other.example/join'],
    ['another port', 'https://practice.example:8443/join'],
    ['plain http', 'http://practice.example/join'],
    ['another page', 'https://practice.example/other'],
  ])('refuses a link for %s with BB_ERR_LINK_FOREIGN', (_label, base) => {
    const error = refusal(SessionLink.create(base), JOIN);
    expect(isBbError(error, 'BB_ERR_LINK_FOREIGN')).toBe(true);
    // The refusal names the site, never the key.
    expect((error as Error).message).not.toContain('#k=');
  });

  it('reports a missing IndexedDB with BB_ERR_KEY_STORE_UNAVAILABLE', async () => {
    expect(typeof indexedDB).toBe('undefined');
    const error: unknown = await LinkKeyStore.open({ joinUrl: JOIN }).catch((e: unknown) => e);
    expect(isBbError(error, 'BB_ERR_KEY_STORE_UNAVAILABLE')).toBe(true);
    await expect(LinkKeyStore.open({ joinUrl: 'not a url' })).rejects.toThrow(TypeError);
  });
});
