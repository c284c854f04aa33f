import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { WAIT_MS, expectVideoFlowing, framesDecoded } from './support/frames.js';
import { useHarness } from './support/harness.js';

// A client who reloads the page (or closes the tab and opens the link again) gets back
// into the same session with a fresh ticket: bb-signal lets the new ticket take the
// free slot, and the host, who never left, sees them return.

const harness = useHarness();

function waitForState(page: Page, state: string): Promise<unknown> {
  return page.waitForFunction((s) => document.querySelector('bb-session')?.state === s, state, {
    timeout: WAIT_MS,
  });
}

describe('a participant who reloads', () => {
  it('is back in the same session with the same link, and video flows again', async () => {
    const clientPageUrl = `${harness.site.origin}/session.html?signal=${encodeURIComponent(harness.signal.url)}`;
    const link = await harness.signal.createLink(clientPageUrl);
    const ticket = await harness.signal.hostTicket(link.roomId);
    const host = await harness.newPage(`${harness.site.origin}/session.html`);
    await host.evaluate(
      ({ signalUrl, linkUrl, hostTicket }) => {
        const element = document.createElement('bb-session');
        element.signalUrl = signalUrl;
        element.link = linkUrl;
        element.hostTicket = hostTicket;
        document.body.append(element);
      },
      { signalUrl: harness.signal.url, linkUrl: link.url, hostTicket: ticket },
    );
    const client = await harness.newPage(link.url);
    await Promise.all([waitForState(host, 'connected'), waitForState(client, 'connected')]);
    await expectVideoFlowing(host);

    // The widget removed the key from the address bar, so a reload of that address
    // could not rejoin; a person reopens the link itself. Leaving the page first makes
    // it a real unload (same-URL-plus-fragment would be a same-document navigation).
    const reloadedAt = Date.now();
    await client.goto('about:blank');
    await client.goto(link.url);
    await client.waitForFunction(() => (window as unknown as { bbReady?: boolean }).bbReady, null, {
      timeout: WAIT_MS,
    });
    // The host is whole again once a `connected` follows its `reconnecting`.
    await host.waitForFunction(
      () => {
        const states = (
          window as unknown as { __bbEvents: { type: string; detail: { state?: string } }[] }
        ).__bbEvents
          .filter((event) => event.type === 'bb-state-change')
          .map((event) => event.detail.state);
        return states.lastIndexOf('connected') > states.indexOf('reconnecting');
      },
      null,
      { timeout: WAIT_MS },
    );
    await waitForState(client, 'connected');
    console.log(`[resilience] reload: both connected again ${Date.now() - reloadedAt} ms later`);
    const [, clientFrames] = await expectVideoFlowing(client);
    expect(clientFrames).toBeGreaterThan(0);

    // The host kept its page: the frames it decodes now come from the client's new
    // connection and keep growing.
    const before = await framesDecoded(host);
    await expect.poll(() => framesDecoded(host), { timeout: WAIT_MS }).toBeGreaterThan(before);
    const hostChanges = await host.evaluate(() =>
      (
        window as unknown as {
          __bbEvents: { type: string; detail: { state?: string; reason?: string } }[];
        }
      ).__bbEvents
        .filter((event) => event.type === 'bb-state-change')
        .map((event) => `${event.detail.state ?? ''}:${event.detail.reason ?? ''}`),
    );
    const hostStates = hostChanges.map((change) => change.split(':')[0]);
    // The host saw the client's connection drop and the client come back: reconnecting,
    // never waiting as if for a new person, never ended or failed.
    expect(hostChanges).toContain('reconnecting:peer-lost');
    expect(hostStates).not.toContain('waiting');
    expect(hostStates.filter((state) => state === 'connected').length).toBeGreaterThanOrEqual(2);
    expect(hostStates).not.toContain('ended');
    expect(hostStates).not.toContain('failed');
  });
});
