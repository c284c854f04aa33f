import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SessionLink } from '@bilateral-base/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/chromium.js';
import { startCoturn, type TestCoturn } from './support/coturn.js';
import { WAIT_MS, expectVideoFlowing } from './support/frames.js';
import {
  startPracticeSiteProcess,
  type PracticeSiteProcess,
} from './support/practice-site-process.js';

// Runs the example exactly as `npm start` does (examples/practice-site/server.mjs, on
// SQLite), with TURN configured through its environment and a real coturn, then plays
// the therapist and the client in two Chromium pages.

let example: PracticeSiteProcess;
let siteUrl: string;
let browser: Browser;
let coturn: TestCoturn;

beforeAll(async () => {
  coturn = await startCoturn();
  example = await startPracticeSiteProcess({
    LOG_LEVEL: 'debug',
    TURN_URLS: coturn.urls.join(','),
    TURN_SECRET: coturn.secret,
  });
  siteUrl = example.siteUrl;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await example?.stop();
  await coturn?.stop();
});

/** The bb-signal URL the example printed at start. */
function signalOrigin(): string {
  return new URL(example.signalUrl).origin;
}

async function createLinkAsTherapist(page: Page): Promise<string> {
  await page.goto(siteUrl);
  await page.click('#create-link');
  await page.waitForFunction(
    () => (document.querySelector('#session-link') as HTMLInputElement).value !== '',
    undefined,
    { timeout: WAIT_MS },
  );
  return page.inputValue('#session-link');
}

describe('the example practice site', () => {
  it('serves its pages with link-hygiene headers and no third-party origins', async () => {
    const paths = ['/', '/join', '/assets/host.js', '/assets/join.js', '/styles.css', '/nothing'];
    for (const path of paths) {
      const response = await fetch(new URL(path, siteUrl));
      expect(response.status).toBe(path === '/nothing' ? 404 : 200);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      const origins = csp.match(/(?:https?|wss?):\/\/[^\s;]+/g) ?? [];
      expect(origins.length).toBeGreaterThan(0);
      for (const origin of origins) {
        expect(new URL(origin).hostname).toBe('127.0.0.1');
      }
    }
  });

  it('refuses a cross-site post to its API', async () => {
    const response = await fetch(new URL('/api/host-ticket', siteUrl), {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ roomId: 'jQ6Oi_RB2MxuZekRq97eiw' }),
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('BB_ERR_ORIGIN_FORBIDDEN');
  });

  it('lets a therapist make a link and hold a video session with the client', async () => {
    const therapist = (await openPage(browser)).page;
    const client = (await openPage(browser)).page;
    const violations: string[] = [];
    const seen: string[] = [];
    for (const page of [therapist, client]) {
      page.on('request', (request) => seen.push(request.url()));
      page.on('websocket', (socket) => seen.push(socket.url()));
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/.test(message.text())) {
          violations.push(message.text());
        }
      });
    }

    const linkUrl = await createLinkAsTherapist(therapist);
    const link = SessionLink.parse(linkUrl);
    expect(new URL(linkUrl).pathname).toBe('/join');
    await therapist.click('#start-session');
    await client.goto(linkUrl);

    await expectVideoFlowing(therapist);
    await expectVideoFlowing(client);
    await client.waitForFunction(
      () => document.querySelector('bb-session')?.state === 'connected',
      undefined,
      {
        timeout: WAIT_MS,
      },
    );
    expect(await client.evaluate(() => location.hash)).toBe('');
    // The site's CSP lets the frame-encryption worker start (`worker-src blob:`).
    for (const page of [therapist, client]) {
      await page
        .locator('bb-session [part="security-summary"][data-frame-encryption="on"]')
        .waitFor({ state: 'attached', timeout: WAIT_MS });
    }
    expect(violations).toEqual([]);

    // Every request and socket of the whole call went to the site or its bb-signal.
    const signal = new URL(signalOrigin());
    const allowed = new Set([new URL(siteUrl).origin, signal.origin, `ws://${signal.host}`]);
    const origins = new Set(seen.map((url) => new URL(url).origin));
    expect([...origins].filter((origin) => !allowed.has(origin))).toEqual([]);
    expect(seen.filter((url) => url.endsWith('/v1/turn-credentials'))).toHaveLength(2);

    // Neither the server's logs nor its database ever saw the key, the proof or the
    // binding key; the database holds the proof's hash only.
    const key = new URL(linkUrl).hash.slice(3);
    const secrets = [key, link.proof, Buffer.from(link.bindingKey).toString('base64url')];
    for (const secret of secrets) {
      expect(example.output()).not.toContain(secret);
    }
    const database = readdirSync(example.dataDir)
      .map((file) => readFileSync(join(example.dataDir, file)).toString('latin1'))
      .join('');
    expect(database).toContain(link.proofHash);
    for (const secret of secrets) {
      expect(database).not.toContain(secret);
    }
    expect(example.output()).not.toMatch(/127\.0\.0\.1:\d+\/peerjs|token=/);
    expect(example.output()).not.toContain(coturn.secret);
  });
});
