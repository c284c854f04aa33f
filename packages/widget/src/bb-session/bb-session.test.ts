import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WAIT_MS } from '../../../../test/e2e/support/frames.js';
import { useHarness } from '../../../../test/e2e/support/harness.js';

// The component on its own, in real Chromium, loaded from the no-build bundle. Full
// calls through bb-signal are in test/e2e/bb-session.test.ts.

const harness = useHarness();
const SOURCE = readFileSync(new URL('./bb-session.ts', import.meta.url), 'utf8');

/** What the header doc comment promises; the custom elements manifest is built from it. */
function documented(tag: '@csspart' | '@cssproperty'): string[] {
  const pattern = new RegExp(`${tag} (\\S+) - `, 'g');
  return [...SOURCE.matchAll(pattern)].map((match) => match[1] as string);
}

/** Records every bb- event that reaches the document, with its flags. */
const RECORD_EVENTS = `
  window.__bbSeen = [];
  for (const type of ['bb-state-change', 'bb-error', 'bb-leave']) {
    document.addEventListener(type, (event) => {
      window.__bbSeen.push({
        type,
        detail: event.detail,
        bubbles: event.bubbles,
        composed: event.composed,
        fromShadowHost: event.composedPath()[0]?.localName,
      });
    });
  }
`;

/** Puts an idle <bb-session> (no signal-url, so it never starts a call) on the page. */
async function idleElement(strings?: unknown): Promise<Page> {
  const page = await harness.newPage(`${harness.site.origin}/session.html`);
  await page.evaluate((override) => {
    const element = document.createElement('bb-session');
    if (override !== undefined) {
      element.strings = override as never;
    }
    document.body.append(element);
  }, strings);
  await page.waitForFunction(
    () => document.querySelector('bb-session')?.shadowRoot?.querySelector('[part~="status"]'),
    undefined,
    { timeout: WAIT_MS },
  );
  return page;
}

describe('<bb-session> as a component', () => {
  it('renders every documented part, and nothing starts without a signal-url', async () => {
    const page = await idleElement();
    const parts = documented('@csspart');
    expect(parts.length).toBeGreaterThan(5);
    const present = await page.evaluate((names) => {
      const root = document.querySelector('bb-session')?.shadowRoot;
      return names.filter((name) => root?.querySelector(`[part~="${name}"]`) !== null);
    }, parts);
    expect(present).toEqual(parts);
    expect(await page.evaluate(() => document.querySelector('bb-session')?.state)).toBe('idle');
    // Microphone, camera, share and leave; the other share buttons wait, hidden, for a share.
    const buttons = page.locator('bb-session').locator('button:not([hidden])');
    expect(await buttons.count()).toBe(4);
    for (const index of [0, 1, 2, 3]) {
      expect(await buttons.nth(index).isDisabled()).toBe(true);
      expect(await buttons.nth(index).getAttribute('aria-label')).toBeTruthy();
    }
    const peerConnections = await page.evaluate(
      () =>
        (
          window as unknown as { __bbPeerConnections: RTCPeerConnection[] }
        ).__bbPeerConnections.filter((pc) => pc.signalingState !== 'closed').length,
    );
    expect(peerConnections).toBe(0);
  });

  it('takes every documented custom property', async () => {
    const page = await idleElement();
    const properties = documented('@cssproperty');
    const styles = readFileSync(new URL('./bb-session.styles.ts', import.meta.url), 'utf8');
    // Each documented property is read by the styles, and a documented one that the
    // styles do not read would be a broken promise.
    expect(properties.filter((name) => !styles.includes(`var(${name}`))).toEqual([]);
    const background = await page.evaluate(() => {
      const element = document.querySelector('bb-session') as HTMLElement;
      element.style.setProperty('--bb-session-background', 'rgb(1, 2, 3)');
      return getComputedStyle(element).backgroundColor;
    });
    expect(background).toBe('rgb(1, 2, 3)');
  });

  it('replaces only the strings it is given', async () => {
    const page = await idleElement({ status: { idle: 'Bereit' }, leave: 'Verlassen' });
    const status = page.locator('bb-session').locator('[part~="status"]');
    expect((await status.innerText()).trim()).toBe('Bereit');
    const leave = page.locator('bb-session').locator('[part~="leave-button"]');
    expect((await leave.innerText()).trim()).toBe('Verlassen');
    const microphone = page.locator('bb-session').locator('[part~="microphone-button"]');
    expect((await microphone.innerText()).trim()).not.toBe('');
  });

  it.each([
    ['no fragment at all', ''],
    ['a key cut short', '#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYX'],
  ])(
    'a client page with %s fails with a link error, touching no device',
    async (_name, fragment) => {
      // Counts camera requests, passing each on to the real getUserMedia.
      const countGetUserMedia = `
      ${RECORD_EVENTS}
      window.__bbMediaRequests = 0;
      const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (constraints) => {
        window.__bbMediaRequests += 1;
        return real(constraints);
      };
    `;
      const pageUrl = `${harness.site.origin}/session.html?signal=${encodeURIComponent(harness.signal.url)}`;
      const page = await harness.newPage(`${pageUrl}${fragment}`, countGetUserMedia);
      await page.waitForFunction(
        () => document.querySelector('bb-session')?.state === 'failed',
        null,
        {
          timeout: WAIT_MS,
        },
      );
      const status = page.locator('bb-session').locator('[part~="status"]');
      expect(await status.getAttribute('data-code')).toMatch(
        /^BB_ERR_LINK_(MALFORMED|KEY_INVALID)$/,
      );
      expect(await status.innerText()).toMatch(/link/i);
      const seen = await page.evaluate(() => {
        const page = window as unknown as {
          __bbMediaRequests: number;
          __bbPeerConnections: RTCPeerConnection[];
          __bbSeen: { type: string; bubbles: boolean; composed: boolean; fromShadowHost: string }[];
        };
        return {
          mediaRequests: page.__bbMediaRequests,
          openPeerConnections: page.__bbPeerConnections.filter(
            (pc) => pc.signalingState !== 'closed',
          ).length,
          events: page.__bbSeen.map(({ type, bubbles, composed, fromShadowHost }) => ({
            type,
            bubbles,
            composed,
            fromShadowHost,
          })),
        };
      });
      expect(seen.mediaRequests).toBe(0);
      expect(seen.openPeerConnections).toBe(0);
      // Both events reach the document from the element: typed, bubbling and composed.
      for (const type of ['bb-error', 'bb-state-change']) {
        expect(seen.events).toContainEqual({
          type,
          bubbles: true,
          composed: true,
          fromShadowHost: 'bb-session',
        });
      }
    },
  );
});
