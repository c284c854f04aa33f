import type { Page } from 'playwright-core';
import type { SessionLink, TicketResponse } from '@bilateral-base/core';
import { describe, expect, it } from 'vitest';
import { WAIT_MS, expectVideoFlowing } from './support/frames.js';
import { useHarness } from './support/harness.js';
import type { TestWindow } from './support/page-globals.js';

const harness = useHarness();

/** Opens a blank page with the bundle and starts a SessionCall in it. */
async function startCall(link: SessionLink, hostTicket?: TicketResponse): Promise<Page> {
  const page = await harness.newPage(`${harness.site.origin}/session.html`);
  await page.evaluate(
    async ({ signalUrl, linkUrl, ticket }) => {
      const w = window as unknown as TestWindow;
      const call = new w.bb.SessionCall(
        ticket === undefined
          ? { signalUrl, link: linkUrl }
          : { signalUrl, link: linkUrl, hostTicket: ticket },
      );
      w.call = call;
      w.callStates = [];
      w.remoteStreamEvents = 0;
      call.on('statechange', ({ state }) => w.callStates?.push(state));
      call.on('ended', ({ reason }) => {
        w.endedReason = reason;
      });
      call.on('remotestream', () => {
        w.remoteStreamEvents = (w.remoteStreamEvents ?? 0) + 1;
      });
      w.__bbStartClock();
      await call.join();
    },
    { signalUrl: harness.signal.url, linkUrl: link.url, ticket: hostTicket },
  );
  return page;
}

function waitForCallState(page: Page, state: string): Promise<unknown> {
  return page.waitForFunction((s) => (window as unknown as TestWindow).call?.state === s, state, {
    timeout: WAIT_MS,
  });
}

function callInfo(page: Page) {
  return page.evaluate(() => {
    const w = window as unknown as TestWindow;
    const local = w.call?.localStream;
    return {
      state: w.call?.state,
      role: w.call?.role,
      states: w.callStates ?? [],
      endedReason: w.endedReason,
      remoteStreamEvents: w.remoteStreamEvents,
      microphoneEnabled: w.call?.microphoneEnabled,
      cameraEnabled: w.call?.cameraEnabled,
      tracks: local
        ?.getTracks()
        .map((t) => ({ kind: t.kind, enabled: t.enabled, live: t.readyState })),
    };
  });
}

async function newLink(): Promise<SessionLink> {
  return harness.signal.createLink(`${harness.site.origin}/session.html`);
}

describe('SessionCall in real Chromium through bb-signal', () => {
  it('a client who arrives first waits, meets the host, mutes, turns off the camera, leaves', async () => {
    const link = await newLink();
    const client = await startCall(link);
    await waitForCallState(client, 'waiting');
    const host = await startCall(link, await harness.signal.hostTicket(link.roomId));
    await Promise.all([waitForCallState(host, 'connected'), waitForCallState(client, 'connected')]);

    const [hostBefore, hostAfter] = await expectVideoFlowing(host);
    const [clientBefore, clientAfter] = await expectVideoFlowing(client);
    expect(hostAfter).toBeGreaterThan(hostBefore);
    expect(clientAfter).toBeGreaterThan(clientBefore);

    const results = await client.evaluate(() => {
      const call = (window as unknown as TestWindow).call!;
      return [call.setMicrophoneEnabled(false), call.setCameraEnabled(false)];
    });
    expect(results).toEqual([false, false]);
    const muted = await callInfo(client);
    expect(muted.microphoneEnabled).toBe(false);
    expect(muted.cameraEnabled).toBe(false);
    expect(muted.tracks?.map((t) => t.enabled)).toEqual([false, false]);

    await client.evaluate(() => (window as unknown as TestWindow).call!.leave());
    await waitForCallState(host, 'ended');
    const hostInfo = await callInfo(host);
    const clientInfo = await callInfo(client);
    expect(hostInfo.endedReason).toBe('peer-left');
    expect(clientInfo.endedReason).toBe('local-leave');
    expect(clientInfo.states).toEqual([
      'connecting',
      'waiting',
      'connecting',
      'verifying',
      'connected',
      'ended',
    ]);
    // The call opened the camera itself, so leaving released it.
    expect(clientInfo.tracks?.map((t) => t.live)).toEqual(['ended', 'ended']);
    // PeerJS fires `stream` once per track; the call reports the stream once.
    expect(hostInfo.remoteStreamEvents).toBe(1);
  });

  it('both joining at once end up with one call (the host wins the glare)', async () => {
    const link = await newLink();
    const hostTicket = await harness.signal.hostTicket(link.roomId);
    const [host, client] = await Promise.all([startCall(link, hostTicket), startCall(link)]);
    await Promise.all([waitForCallState(host, 'connected'), waitForCallState(client, 'connected')]);
    const [first, second] = await expectVideoFlowing(client);
    expect(second).toBeGreaterThan(first);
    await expectVideoFlowing(host);

    await host.evaluate(() => (window as unknown as TestWindow).call!.leave());
    await waitForCallState(client, 'ended');
    expect((await callInfo(client)).endedReason).toBe('peer-left');
  });

  it('a second tab with the same role is refused by the server and ends failed', async () => {
    const link = await newLink();
    const first = await startCall(link);
    await waitForCallState(first, 'waiting');
    const second = await harness.newPage(`${harness.site.origin}/session.html`);
    const outcome = await second.evaluate(
      async ({ signalUrl, linkUrl }) => {
        const w = window as unknown as TestWindow;
        const call = new w.bb.SessionCall({ signalUrl, link: linkUrl });
        const code = await call.join().then(
          () => 'joined',
          (error: { code?: string }) => error.code,
        );
        return {
          code,
          state: call.state,
          live: call.localStream?.getTracks().filter((t) => t.readyState === 'live').length ?? 0,
        };
      },
      { signalUrl: harness.signal.url, linkUrl: link.url },
    );
    expect(outcome.code).toMatch(/^BB_ERR_(SIGNAL_REFUSED|ROOM_FULL|TICKET_IN_USE)$/);
    expect(outcome.state).toBe('failed');
    // Never half-joined: whatever the call opened is released.
    expect(outcome.live).toBe(0);
    expect(await callInfo(first)).toMatchObject({ state: 'waiting' });
  });
});
