import type { Page } from 'playwright-core';
import type { TicketResponse } from '@bilateral-base/core';
import { describe, expect, it } from 'vitest';
import { useCoturn } from './support/coturn.js';
import { WAIT_MS, expectVideoFlowing, median } from './support/frames.js';
import { useHarness } from './support/harness.js';
import { candidateTypes } from './support/ice-stats.js';
import type { TestWindow } from './support/page-globals.js';

// Two Chromium pages in a call through a real coturn on loopback, with the TURN
// credentials bb-signal hands out. Started before the harness so that bb-signal can be
// configured with coturn's port and secret.

const turn = useCoturn().current;

const harness = useHarness({
  signalOptions: () => ({ turnUrls: turn().urls, turnSecret: turn().secret }),
});

/** Hosts PeerJS's defaults would contact; none may reach a configuration that is used. */
const PEERJS_DEFAULT_HOSTS = /peerjs\.com|google\.com|metered\.ca/;

interface Meeting {
  readonly host: Page;
  readonly client: Page;
  readonly linkUrl: string;
}

async function openHost(
  ticket: TicketResponse,
  linkUrl: string,
  relayOnly: boolean,
  beforeNavigate?: (page: Page) => void,
): Promise<Page> {
  const page = await harness.newPage(
    `${harness.site.origin}/session.html`,
    undefined,
    beforeNavigate,
  );
  await page.evaluate(
    ({ signalUrl, link, hostTicket, relay }) => {
      const element = document.createElement('bb-session');
      element.signalUrl = signalUrl;
      element.link = link;
      element.hostTicket = hostTicket;
      element.relayOnly = relay;
      (window as unknown as TestWindow).__bbStartClock();
      document.body.append(element);
    },
    { signalUrl: harness.signal.url, link: linkUrl, hostTicket: ticket, relay: relayOnly },
  );
  return page;
}

/** A host page and a client page (`<bb-session relay-only>` when asked) on one new link. */
async function meet(relayOnly: boolean, beforeNavigate?: (page: Page) => void): Promise<Meeting> {
  const query = `signal=${encodeURIComponent(harness.signal.url)}${relayOnly ? '&relay-only' : ''}`;
  const link = await harness.signal.createLink(`${harness.site.origin}/session.html?${query}`);
  const host = await openHost(
    await harness.signal.hostTicket(link.roomId),
    link.url,
    relayOnly,
    beforeNavigate,
  );
  const client = await harness.newPage(link.url, undefined, beforeNavigate);
  await Promise.all([waitForState(host, 'connected'), waitForState(client, 'connected')]);
  return { host, client, linkUrl: link.url };
}

function waitForState(page: Page, state: string): Promise<unknown> {
  return page.waitForFunction((s) => document.querySelector('bb-session')?.state === s, state, {
    timeout: WAIT_MS,
  });
}

function waitForPath(page: Page, path: string): Promise<unknown> {
  return page.waitForFunction(
    (p) => document.querySelector('bb-session')?.connectionPath === p,
    path,
    { timeout: WAIT_MS },
  );
}

function indicator(page: Page) {
  return page.locator('bb-session').locator('[part="relay-indicator"]');
}

function joinToFirstFrame(page: Page): Promise<number> {
  return page
    .waitForFunction(() => (window as unknown as TestWindow).__bbFirstFrameAt, null, {
      timeout: WAIT_MS,
    })
    .then(() =>
      page.evaluate(() => {
        const w = window as unknown as TestWindow;
        return (w.__bbFirstFrameAt ?? Number.NaN) - (w.__bbJoinStartedAt ?? Number.NaN);
      }),
    );
}

async function leave(meeting: Meeting): Promise<void> {
  await meeting.host.locator('bb-session').locator('button.leave').click();
  await Promise.all([waitForState(meeting.host, 'ended'), waitForState(meeting.client, 'ended')]);
}

describe('relay-only calls through a real coturn', () => {
  it('decodes video on both sides over a relay pair, and neither side sees a host address', async () => {
    const meeting = await meet(true);
    for (const page of [meeting.host, meeting.client]) {
      const [before, after] = await expectVideoFlowing(page);
      expect(after).toBeGreaterThan(before);
    }
    for (const page of [meeting.host, meeting.client]) {
      const { pairs, offered } = await candidateTypes(page);
      // The control channel and the media call: both selected pairs are relay to relay.
      expect(pairs.length).toBeGreaterThanOrEqual(2);
      for (const pair of pairs) {
        expect(pair).toEqual({ local: 'relay', remote: 'relay' });
      }
      // No host or server-reflexive candidate was ever offered by either side.
      expect(offered.remote.length).toBeGreaterThan(0);
      expect(new Set([...offered.local, ...offered.remote])).toEqual(new Set(['relay']));

      await waitForPath(page, 'relayed');
      await expect
        .poll(() => indicator(page).innerText(), { timeout: WAIT_MS })
        .toBe('Relayed: your network address is hidden from the other person');
      expect(await indicator(page).getAttribute('role')).toBe('status');
    }
    expect(await meeting.client.evaluate(() => location.hash)).toBe('');
    await leave(meeting);
    expect((await indicator(meeting.client).innerText()).trim()).toBe('');
  });

  it('opens requests and sockets to the site and bb-signal only, and no PeerJS default is used', async () => {
    const seen: string[] = [];
    const record = (page: Page) => {
      page.on('request', (request) => seen.push(request.url()));
      page.on('websocket', (socket) => seen.push(socket.url()));
    };
    const meeting = await meet(true, record);
    await expectVideoFlowing(meeting.host);
    await expectVideoFlowing(meeting.client);
    await leave(meeting);

    const signal = new URL(harness.signal.url);
    const allowed = new Set([
      harness.site.origin,
      signal.origin,
      `ws://${signal.host}`,
      `wss://${signal.host}`,
    ]);
    const origins = new Set(seen.map((url) => new URL(url).origin));
    expect([...origins].filter((origin) => !allowed.has(origin))).toEqual([]);
    // The whole call was seen: pages, bundle, tickets, TURN credentials and the sockets.
    expect(seen.some((url) => url.endsWith('/v1/turn-credentials'))).toBe(true);
    expect(seen.filter((url) => url.startsWith(`ws://${signal.host}/peerjs`))).toHaveLength(2);

    for (const page of [meeting.host, meeting.client]) {
      const configs = await page.evaluate(
        () => (window as unknown as TestWindow).__bbPeerConnectionConfigs,
      );
      const used = configs.filter((config) => config.gathered);
      expect(used.length).toBeGreaterThanOrEqual(2);
      for (const config of used) {
        expect(config.iceTransportPolicy).toBe('relay');
        const urls = (config.iceServers ?? []).flatMap((server) =>
          Array.isArray(server.urls) ? server.urls : [server.urls],
        );
        expect(urls).toEqual([...turn().urls]);
      }
      // PeerJS's feature detection builds one RTCPeerConnection with its default
      // configuration (its public TURN and Google STUN) and closes it at once, before
      // any offer: it never gathers candidates, so those servers are never contacted.
      // Every configuration that names them must be such an unused one.
      for (const config of configs) {
        if (PEERJS_DEFAULT_HOSTS.test(JSON.stringify(config.iceServers))) {
          expect(config.gathered).toBe(false);
        }
      }
      expect(used.some((config) => PEERJS_DEFAULT_HOSTS.test(JSON.stringify(config)))).toBe(false);
    }
  });

  it('measures join to first frame, relay-only against direct, in the same run', async () => {
    const times: Record<'relay' | 'direct', number[]> = { relay: [], direct: [] };
    // Interleaved, so both kinds see the same machine load; the first call of each kind
    // is the coldest and is kept, as in the other timing logs.
    for (let round = 0; round < 3; round += 1) {
      for (const relayOnly of [true, false]) {
        const meeting = await meet(relayOnly);
        await expectVideoFlowing(meeting.client);
        await waitForPath(meeting.client, relayOnly ? 'relayed' : 'direct');
        await waitForPath(meeting.host, relayOnly ? 'relayed' : 'direct');
        const kind = relayOnly ? 'relay' : 'direct';
        times[kind].push(await joinToFirstFrame(meeting.client));
        times[kind].push(await joinToFirstFrame(meeting.host));
        if (!relayOnly) {
          // A direct call shows no relay indicator.
          expect((await indicator(meeting.client).innerText()).trim()).toBe('');
        }
        await leave(meeting);
        await harness.closePages();
      }
    }
    for (const time of [...times.relay, ...times.direct]) {
      expect(Number.isFinite(time)).toBe(true);
    }
    const describeTimes = (list: number[]) =>
      `median ${Math.round(median(list))} ms (${list.map(Math.round).join('/')})`;
    console.log(
      `join to first remote frame, client and host pages: relay-only ${describeTimes(times.relay)}; ` +
        `direct ${describeTimes(times.direct)}`,
    );
  }, 180_000);
});
