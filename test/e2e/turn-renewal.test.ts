import type { Page } from 'playwright-core';
import type { SessionLink, TicketResponse } from '@bilateral-base/core';
import { describe, expect, it } from 'vitest';
import { useCoturn } from './support/coturn.js';
import { WAIT_MS, expectVideoFlowing, inboundVideo } from './support/frames.js';
import { useHarness } from './support/harness.js';
import { candidateTypes } from './support/ice-stats.js';
import type { TestWindow } from './support/page-globals.js';

// A relay-only call through a real coturn whose credentials bb-signal mints for the
// shortest lifetime it allows (60 s). coturn checks a credential only when an allocation
// is made, so the call's own relay outlives it; a screen share started after the
// lifetime needs new allocations, and gets them only because the call renewed its
// credentials on its own before they ran out.

const CREDENTIAL_TTL_S = 60;

const turn = useCoturn().current;

const harness = useHarness({
  signalOptions: () => ({
    turnUrls: turn().urls,
    turnSecret: turn().secret,
    turnCredentialTtlSeconds: CREDENTIAL_TTL_S,
  }),
});

async function startRelayCall(link: SessionLink, hostTicket?: TicketResponse): Promise<Page> {
  const page = await harness.newPage(`${harness.site.origin}/session.html`);
  await page.evaluate(
    async ({ signalUrl, linkUrl, ticket }) => {
      const w = window as unknown as TestWindow;
      const options = { signalUrl, link: linkUrl, relayOnly: true };
      const call = new w.bb.SessionCall(
        ticket === undefined ? options : { ...options, hostTicket: ticket },
      );
      w.call = call;
      await call.join();
    },
    { signalUrl: harness.signal.url, linkUrl: link.url, ticket: hostTicket },
  );
  return page;
}

/** Expiry (Unix seconds) of the TURN username each live connection of the page holds. */
function credentialExpiries(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    (window as unknown as TestWindow).__bbPeerConnections
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getConfiguration().iceServers ?? [])
      .flatMap((server) => (typeof server.username === 'string' ? [server.username] : []))
      .map((username) => Number(username.split(':')[0])),
  );
}

describe('TURN credentials renewed during a call', () => {
  it(
    'a screen share started after the join credentials expired still gets a relay',
    { timeout: 4 * WAIT_MS + CREDENTIAL_TTL_S * 1000 },
    async () => {
      const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
      const joinedAt = Date.now();
      const host = await startRelayCall(link, await harness.signal.hostTicket(link.roomId));
      const client = await startRelayCall(link);
      for (const page of [host, client]) {
        await page.waitForFunction(
          () => (window as unknown as TestWindow).call?.state === 'connected',
          null,
          { timeout: WAIT_MS },
        );
      }
      await expectVideoFlowing(client);
      const atJoin = Math.max(...(await credentialExpiries(host)));
      expect(atJoin * 1000).toBeLessThanOrEqual(joinedAt + (CREDENTIAL_TTL_S + 5) * 1000);

      // Past the join credentials' expiry, with a margin for clocks.
      const expiredAt = atJoin * 1000 + 3000;
      await host.waitForTimeout(Math.max(0, expiredAt - Date.now()));
      expect(Date.now()).toBeGreaterThan(atJoin * 1000);
      for (const page of [host, client]) {
        const fresh = Math.max(...(await credentialExpiries(page)));
        expect(fresh * 1000, 'credentials renewed').toBeGreaterThan(Date.now());
      }

      // The call's relay outlived its credentials; a new connection needs new ones.
      await expectVideoFlowing(client);
      await host.evaluate(() => (window as unknown as TestWindow).call!.startScreenShare());
      await client.waitForFunction(
        () => (window as unknown as TestWindow).call?.screenShareState === 'remote',
        null,
        { timeout: WAIT_MS },
      );
      const screenIds = () =>
        client.evaluate(
          () =>
            (window as unknown as TestWindow).call?.remoteScreenStream
              ?.getVideoTracks()
              .map((track) => track.id) ?? [],
        );
      let screenFrames = 0;
      const deadline = Date.now() + WAIT_MS;
      for (let attempt = 0; screenFrames === 0 && attempt < 300; attempt += 1) {
        if (Date.now() > deadline) break;
        const ids = await screenIds();
        const screen = (await inboundVideo(client)).find((entry) => ids.includes(entry.trackId));
        screenFrames = screen?.framesDecoded ?? 0;
        if (screenFrames === 0) await client.waitForTimeout(100);
      }
      expect(screenFrames, 'screen frames decoded over the relay').toBeGreaterThan(0);
      const { pairs } = await candidateTypes(client);
      expect(pairs.length).toBeGreaterThanOrEqual(2);
      expect(pairs).toEqual(pairs.map(() => ({ local: 'relay', remote: 'relay' })));
    },
  );
});
