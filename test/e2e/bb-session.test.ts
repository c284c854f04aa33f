import type { Page } from 'playwright-core';
import type { TicketResponse } from '@bilateral-base/core';
import { describe, expect, it } from 'vitest';
import { WAIT_MS, expectVideoFlowing, median } from './support/frames.js';
import { useHarness } from './support/harness.js';
import type { TestWindow } from './support/page-globals.js';

const harness = useHarness();

function sessionState(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.querySelector('bb-session')?.state);
}

function waitForState(page: Page, state: string): Promise<unknown> {
  return page.waitForFunction((s) => document.querySelector('bb-session')?.state === s, state, {
    timeout: WAIT_MS,
  });
}

function statusText(page: Page): Promise<string> {
  return page.locator('bb-session').locator('[part="status"]').innerText();
}

async function openHost(ticket: TicketResponse, linkUrl: string): Promise<Page> {
  const page = await harness.newPage(`${harness.site.origin}/session.html`);
  await page.evaluate(
    ({ signalUrl, link, hostTicket }) => {
      const element = document.createElement('bb-session');
      element.signalUrl = signalUrl;
      element.link = link;
      element.hostTicket = hostTicket;
      element.strings = { status: { connected: 'Verbunden' } };
      (window as unknown as TestWindow).__bbStartClock();
      document.body.append(element);
    },
    { signalUrl: harness.signal.url, link: linkUrl, hostTicket: ticket },
  );
  return page;
}

function joinToFirstFrame(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as TestWindow;
    return (w.__bbFirstFrameAt ?? Number.NaN) - (w.__bbJoinStartedAt ?? Number.NaN);
  });
}

describe('<bb-session> in real Chromium through bb-signal', () => {
  it('two pages join one link, see each other, mute, and leave', async () => {
    const clientPageUrl = `${harness.site.origin}/session.html?signal=${encodeURIComponent(harness.signal.url)}`;
    const link = await harness.signal.createLink(clientPageUrl);
    const hostTimes: number[] = [];
    const clientTimes: number[] = [];

    // Links are reusable, so the same link serves three meetings; the first is checked
    // in detail, all three are timed.
    for (let round = 0; round < 3; round += 1) {
      const host = await openHost(await harness.signal.hostTicket(link.roomId), link.url);
      const client = await harness.newPage(link.url);
      await Promise.all([waitForState(host, 'connected'), waitForState(client, 'connected')]);

      const [hostBefore, hostAfter] = await expectVideoFlowing(host);
      const [clientBefore, clientAfter] = await expectVideoFlowing(client);
      expect(hostBefore).toBeGreaterThan(0);
      expect(hostAfter).toBeGreaterThan(hostBefore);
      expect(clientBefore).toBeGreaterThan(0);
      expect(clientAfter).toBeGreaterThan(clientBefore);

      await host.waitForFunction(() => (window as unknown as TestWindow).__bbFirstFrameAt, null, {
        timeout: WAIT_MS,
      });
      await client.waitForFunction(() => (window as unknown as TestWindow).__bbFirstFrameAt, null, {
        timeout: WAIT_MS,
      });
      hostTimes.push(await joinToFirstFrame(host));
      clientTimes.push(await joinToFirstFrame(client));

      if (round === 0) {
        await checkPageDetails(host, client, link.url);
      } else {
        await host.locator('bb-session').locator('button.leave').click();
        await Promise.all([waitForState(host, 'ended'), waitForState(client, 'ended')]);
      }
      await harness.closePages();
    }
    console.log(
      `join to first remote frame, <bb-session>: host ${hostTimes.map(Math.round).join('/')} ms ` +
        `(median ${Math.round(median(hostTimes))}), client ${clientTimes.map(Math.round).join('/')} ms ` +
        `(median ${Math.round(median(clientTimes))})`,
    );
    for (const time of [...hostTimes, ...clientTimes]) {
      expect(Number.isFinite(time)).toBe(true);
    }
  });
});

async function checkPageDetails(host: Page, client: Page, linkUrl: string): Promise<void> {
  // The key left the client's address bar once it was read.
  const clientAddress = await client.evaluate(() => ({ hash: location.hash, href: location.href }));
  expect(clientAddress.hash).toBe('');
  expect(linkUrl).toContain('#k=');
  expect(clientAddress.href).toBe(linkUrl.slice(0, linkUrl.indexOf('#')));

  // Plain-words status, with the host's replaced string.
  expect(await statusText(client)).toBe('Connected');
  expect(await statusText(host)).toBe('Verbunden');

  // The microphone toggle works from the keyboard and reports itself with aria-pressed.
  const microphone = client.locator('bb-session').locator('button.microphone');
  expect(await microphone.getAttribute('aria-pressed')).toBe('false');
  expect(await microphone.getAttribute('aria-label')).toBe('Mute microphone');
  await microphone.focus();
  await client.keyboard.press('Space');
  await expect
    .poll(() => microphone.getAttribute('aria-pressed'), { timeout: WAIT_MS })
    .toBe('true');
  const audioEnabled = await client.evaluate(() => {
    const video = document
      .querySelector('bb-session')
      ?.shadowRoot?.querySelector<HTMLVideoElement>('video.self');
    const stream = video?.srcObject as MediaStream | null | undefined;
    return stream?.getAudioTracks().map((track) => track.enabled);
  });
  expect(audioEnabled).toEqual([false]);

  // bb-leave is a request the page may refuse.
  await host.evaluate(() => {
    document.addEventListener('bb-leave', (event) => event.preventDefault(), { once: true });
  });
  const leave = host.locator('bb-session').locator('button.leave');
  await leave.click();
  expect(await sessionState(host)).toBe('connected');
  const leaveEvents = await host.evaluate(() =>
    (window as unknown as TestWindow).__bbEvents.filter((event) => event.type === 'bb-leave'),
  );
  expect(leaveEvents).toEqual([{ type: 'bb-leave', detail: { source: 'button' } }]);

  // Accepted the second time: both sides end, the client because the host left.
  await leave.click();
  await Promise.all([waitForState(host, 'ended'), waitForState(client, 'ended')]);
  expect(await statusText(client)).toBe('The session has ended');
  const clientStates = await client.evaluate(() =>
    (window as unknown as TestWindow).__bbEvents
      .filter((event) => event.type === 'bb-state-change')
      .map((event) => (event.detail as { state: string }).state),
  );
  expect(clientStates.at(-1)).toBe('ended');
  expect(clientStates).toContain('connected');
}
