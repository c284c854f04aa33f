import type { Page } from 'playwright-core';
import type { SessionLink, TicketResponse } from '@bilateral-base/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startCoturn, useCoturn } from './support/coturn.js';
import { WAIT_MS, expectVideoFlowing, framesDecoded, inboundVideo } from './support/frames.js';
import { useHarness } from './support/harness.js';
import type { TestWindow } from './support/page-globals.js';
import { startSignalProcess, type SignalProcess } from './support/signal-process.js';

// Calls that survive a signaller crash, a network outage on the media path, a reload
// and a vanished peer, in real Chromium through a real bb-signal (and, for the network
// outage, a real coturn). Recovery times are printed for the docs, never asserted.

const coturn = useCoturn();
const turn = coturn.current;

const harness = useHarness({
  signalOptions: () => ({ turnUrls: turn().urls, turnSecret: turn().secret }),
});

interface Recorded {
  states: { state: string; reason?: string | undefined; at: number }[];
  signal: { connected: boolean; at: number }[];
}

interface CallSetup {
  readonly signalUrl: string;
  readonly link: SessionLink;
  readonly hostTicket?: TicketResponse;
  readonly relayOnly?: boolean;
}

/** Opens the bundle page and joins a SessionCall, recording its states and signal events. */
async function startCall(setup: CallSetup): Promise<Page> {
  const page = await harness.newPage(`${harness.site.origin}/session.html`);
  await page.evaluate(
    async ({ signalUrl, linkUrl, ticket, relayOnly }) => {
      const w = window as unknown as TestWindow & { recorded: Recorded };
      const call = new w.bb.SessionCall({
        signalUrl,
        link: linkUrl,
        relayOnly,
        ...(ticket === undefined ? {} : { hostTicket: ticket }),
      });
      w.call = call;
      w.recorded = { states: [], signal: [] };
      call.on('statechange', ({ state, reason }) =>
        w.recorded.states.push({ state, reason, at: Date.now() }),
      );
      call.on('signalchange', ({ connected }) =>
        w.recorded.signal.push({ connected, at: Date.now() }),
      );
      await call.join();
    },
    {
      signalUrl: setup.signalUrl,
      linkUrl: setup.link.url,
      ticket: setup.hostTicket,
      relayOnly: setup.relayOnly ?? false,
    },
  );
  return page;
}

function recorded(page: Page): Promise<Recorded> {
  return page.evaluate(() => (window as unknown as { recorded: Recorded }).recorded);
}

function waitFor(page: Page, predicate: string, timeout = WAIT_MS): Promise<unknown> {
  return page.waitForFunction(predicate, undefined, { timeout });
}

const STATE_IS = (state: string) =>
  `(window.call && window.call.state === ${JSON.stringify(state)})`;

async function connectedPair(setup: Omit<CallSetup, 'hostTicket'>, hostTicket: TicketResponse) {
  const host = await startCall({ ...setup, hostTicket });
  const client = await startCall(setup);
  await Promise.all([waitFor(host, STATE_IS('connected')), waitFor(client, STATE_IS('connected'))]);
  await Promise.all([expectVideoFlowing(host), expectVideoFlowing(client)]);
  return { host, client };
}

/** Frames decoded now and after `ms`: proves media flows during that window. */
async function framesOver(page: Page, ms: number): Promise<[number, number]> {
  const before = await framesDecoded(page);
  await page.waitForTimeout(ms);
  return [before, await framesDecoded(page)];
}

/** The TURN usernames of the page's open connections (they embed the expiry time). */
function turnUsernames(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as TestWindow).__bbPeerConnections
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getConfiguration().iceServers ?? [])
      .map((server) => server.username ?? '')
      .filter((name) => name !== ''),
  );
}

function peerConnectionCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as TestWindow).__bbPeerConnections.length);
}

describe('a call that survives', () => {
  let signal: SignalProcess | undefined;
  afterAll(async () => {
    await signal?.stop();
  });

  it('bb-signal killed and restarted: media keeps flowing, both reconnect, a screen share works after', async () => {
    // A short first-use window for tickets: by the restart both tickets are past it, so
    // the restarted server must remember that they were in use.
    const ticketTtlSeconds = 8;
    signal = await startSignalProcess({ allowedOrigin: harness.site.origin, ticketTtlSeconds });
    const link = await signal.createLink(`${harness.site.origin}/session.html`);
    const hostTicket = await signal.hostTicket(link.roomId);
    const { host, client } = await connectedPair({ signalUrl: signal.url, link }, hostTicket);
    const clientIssuedAt = await client.evaluate(() => Date.now());
    const windowEnds = Math.max(hostTicket.expiresAt, clientIssuedAt + ticketTtlSeconds * 1000);
    await host.waitForTimeout(Math.max(0, windowEnds + 500 - Date.now()));

    const killedAt = Date.now();
    await signal.kill();
    await Promise.all(
      [host, client].map((page) =>
        waitFor(page, 'window.recorded.signal.some((e) => !e.connected)'),
      ),
    );
    // During the outage remote frames keep decoding on both sides.
    const [hostDuring, clientDuring] = await Promise.all([
      framesOver(host, 2_000),
      framesOver(client, 2_000),
    ]);
    expect(hostDuring[1]).toBeGreaterThan(hostDuring[0]);
    expect(clientDuring[1]).toBeGreaterThan(clientDuring[0]);

    const restartedAt = Date.now();
    await signal.restart();
    await Promise.all(
      [host, client].map((page) =>
        waitFor(page, 'window.recorded.signal.some((e) => e.connected)', 30_000),
      ),
    );
    const back = await Promise.all([recorded(host), recorded(client)]);
    const reconnectedAt = Math.max(
      ...back.map((r) => r.signal.find((e) => e.connected)?.at ?? Number.NaN),
    );
    console.log(
      `[resilience] signaller outage ${restartedAt - killedAt} ms; both reconnected ` +
        `${reconnectedAt - restartedAt} ms after the restart`,
    );
    for (const r of back) {
      expect(r.states.map((s) => s.state)).not.toContain('failed');
      expect(r.states.map((s) => s.state)).not.toContain('ended');
    }

    // Something that needs signalling: a new connection for a screen share.
    await host.evaluate(() => (window as unknown as TestWindow).call!.startScreenShare());
    await expect
      .poll(async () => (await inboundVideo(client)).filter((v) => v.framesDecoded > 0).length, {
        timeout: WAIT_MS,
      })
      .toBeGreaterThanOrEqual(2);
  });

  it('a network outage on the relay path: media comes back by ICE restart, on the same connections', async () => {
    const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
    const { host, client } = await connectedPair(
      { signalUrl: harness.signal.url, link, relayOnly: true },
      await harness.signal.hostTicket(link.roomId),
    );
    const connectionsBefore = await Promise.all([host, client].map(peerConnectionCount));
    const usernamesBefore = await Promise.all([host, client].map(turnUsernames));
    // Every TURN username bb-signal issues carries 128 fresh random bits.

    // Every packet of both calls goes through coturn; killing it drops every
    // allocation, so the old candidate pairs can never work again. A new coturn on the
    // same port and secret is where the restarted ICE finds fresh relays.
    const { port, secret } = turn();
    const cutAt = Date.now();
    await turn().stop();
    await Promise.all([
      waitFor(host, STATE_IS('reconnecting')),
      waitFor(client, STATE_IS('reconnecting')),
    ]);
    await host.waitForTimeout(1_000);
    coturn.adopt(await startCoturn({ reuse: { port, secret } }));
    const relayBackAt = Date.now();
    await Promise.all([
      waitFor(host, STATE_IS('connected'), 45_000),
      waitFor(client, STATE_IS('connected'), 45_000),
    ]);
    const hostGrows = await framesOver(host, 1_500);
    const clientGrows = await framesOver(client, 1_500);
    expect(hostGrows[1]).toBeGreaterThan(hostGrows[0]);
    expect(clientGrows[1]).toBeGreaterThan(clientGrows[0]);

    const [hostLog, clientLog] = await Promise.all([recorded(host), recorded(client)]);
    const recoveredAt = Math.max(
      ...[hostLog, clientLog].map(
        (r) => r.states.find((s) => s.at > cutAt && s.state === 'connected')?.at ?? Number.NaN,
      ),
    );
    console.log(
      `[resilience] relay outage of ${relayBackAt - cutAt} ms: media back ` +
        `${recoveredAt - cutAt} ms after the cut, ${recoveredAt - relayBackAt} ms after the relay`,
    );
    for (const r of [hostLog, clientLog]) {
      const after = r.states.filter((s) => s.at > cutAt);
      // The same call recovered: no new proof, no fallback to waiting.
      expect(after.map((s) => s.state)).toEqual(['reconnecting', 'connected']);
      expect(after[1]?.reason).toBe('recovered');
    }
    // Both sides renewed their TURN credentials for the restart's new allocations.
    const usernamesAfter = await Promise.all([host, client].map(turnUsernames));
    for (const [index, after] of usernamesAfter.entries()) {
      expect(after.length).toBeGreaterThan(0);
      expect(after.some((name) => usernamesBefore[index]?.includes(name))).toBe(false);
    }
    // No RTCPeerConnection was created for the recovery.
    expect(await Promise.all([host, client].map(peerConnectionCount))).toEqual(connectionsBefore);
  });

  it('a page closed abruptly: the other side reports the peer gone within a bounded time', async () => {
    const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
    const { host, client } = await connectedPair(
      { signalUrl: harness.signal.url, link },
      await harness.signal.hostTicket(link.roomId),
    );
    const closedAt = Date.now();
    // No leave(), no goodbye: the tab is simply closed.
    await client.close();
    await waitFor(host, STATE_IS('reconnecting'));
    await waitFor(host, STATE_IS('waiting'), 30_000);
    const log = await recorded(host);
    const after = log.states.filter((s) => s.at >= closedAt);
    // The closing page says so on its way out (peer-lost); were that message lost, the
    // heartbeat would notice instead (peer-silent).
    expect(after.map((s) => s.state)).toEqual(['reconnecting', 'waiting']);
    expect(after[0]?.reason).toBe('peer-lost');
    expect(after[1]?.reason).toBe('peer-gone');
    const [lost, gone] = after;
    console.log(
      `[resilience] closed tab: host saw it lost after ${(lost?.at ?? 0) - closedAt} ms, ` +
        `gone after ${(gone?.at ?? 0) - closedAt} ms`,
    );
    expect(await host.evaluate(() => (window as unknown as TestWindow).call!.state)).toBe(
      'waiting',
    );
  });

  it('a crashed page (no close event at all): the heartbeat notices, the peer is reported gone', async () => {
    const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
    const { host, client } = await connectedPair(
      { signalUrl: harness.signal.url, link },
      await harness.signal.hostTicket(link.roomId),
    );
    const crashedAt = Date.now();
    const session = await client.context().newCDPSession(client);
    // Page.crash kills the renderer: no unload, no SCTP or DTLS goodbye is sent.
    void session.send('Page.crash').catch(() => undefined);
    await waitFor(host, STATE_IS('reconnecting'));
    await waitFor(host, STATE_IS('waiting'), 60_000);
    const log = await recorded(host);
    const after = log.states.filter((s) => s.at >= crashedAt);
    expect(after[0]?.state).toBe('reconnecting');
    expect(after.at(-1)).toMatchObject({ state: 'waiting', reason: 'peer-gone' });
    console.log(
      `[resilience] crashed tab: host saw ${after[0]?.reason ?? '?'} after ` +
        `${(after[0]?.at ?? 0) - crashedAt} ms, gone after ${(after.at(-1)?.at ?? 0) - crashedAt} ms`,
    );
  });
});

describe('a recovered connection is held to the proven certificate', () => {
  it('a restart offer naming another certificate, injected through the signaller, fails the call', async () => {
    const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
    const { host, client } = await connectedPair(
      { signalUrl: harness.signal.url, link },
      await harness.signal.hostTicket(link.roomId),
    );
    // What a hostile signaller can do: deliver, as if from the host, an ICE-restart offer
    // for the live control channel that carries a certificate of its own. The host page's
    // socket stands in for the signaller here (it reaches the client the same way).
    await host.evaluate(async () => {
      interface Internals {
        peer: { socket: { send(message: unknown): void } };
        control: { connectionId: string; peer: string };
      }
      const internals = (window as unknown as TestWindow).call as unknown as Internals;
      const forger = new RTCPeerConnection();
      forger.createDataChannel('bb-control');
      const offer = await forger.createOffer();
      internals.peer.socket.send({
        type: 'ANSWER',
        payload: {
          sdp: { type: offer.type, sdp: offer.sdp },
          type: 'data',
          connectionId: internals.control.connectionId,
        },
        dst: internals.control.peer,
      });
      forger.close();
    });
    await waitFor(client, STATE_IS('failed'));
    const code = await client.evaluate(
      () => (window as unknown as { recorded: Recorded }).recorded.states.at(-1)?.reason ?? 'none',
    );
    expect(code).toBe('BB_ERR_VERIFICATION_FAILED');
  });
});
