import type { Page } from 'playwright-core';
import type { TicketResponse } from '@bilateral-base/core';
import { describe, expect, it } from 'vitest';
import { expectVideoFlowing } from './support/frames.js';
import { useHarness } from './support/harness.js';

const harness = useHarness();

interface StockPeerWindow {
  peerjs: {
    Peer: new (
      id: string,
      options: Record<string, unknown>,
    ) => {
      on(event: string, listener: (...args: never[]) => void): void;
      connect(id: string, options?: Record<string, unknown>): StockConnection;
      call(id: string, stream: MediaStream): StockCall;
      destroy(): void;
    };
  };
  peer?: InstanceType<StockPeerWindow['peerjs']['Peer']>;
  echoed?: unknown[];
}
interface StockConnection {
  on(event: string, listener: (...args: never[]) => void): void;
  send(data: unknown): void;
}
interface StockCall {
  on(event: string, listener: (...args: never[]) => void): void;
  answer(stream: MediaStream): void;
}

/** Opens the stock PeerJS client with a ticket, every server option explicit. */
async function openStockPeer(page: Page, ticket: TicketResponse, signalUrl: string) {
  const { hostname, port } = new URL(signalUrl);
  await page.evaluate(
    async ({ ticket, hostname, port }) => {
      const w = window as unknown as StockPeerWindow;
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
      const peer = new w.peerjs.Peer(ticket.peerId, {
        host: hostname,
        port: Number(port),
        path: '/',
        key: 'peerjs',
        secure: false,
        token: ticket.ticket,
        config: { iceServers: [] },
        debug: 0,
      });
      w.peer = peer;
      w.echoed = [];
      // The client side answers calls with its camera and echoes data messages.
      peer.on('call', (call: StockCall) => call.answer(stream));
      peer.on('connection', (connection: StockConnection) => {
        connection.on('data', (data: never) => connection.send({ echo: data }));
      });
      await new Promise<void>((resolve, reject) => {
        peer.on('open', () => resolve());
        peer.on('error', (error: { type?: string }) => reject(new Error(String(error.type))));
      });
    },
    { ticket, hostname, port },
  );
}

describe('protocol compatibility with the stock PeerJS client', () => {
  it('stock PeerJS holds a media call and a data connection through bb-signal', async () => {
    const link = await harness.signal.createLink(`${harness.site.origin}/stock-peerjs.html`);
    const hostTicket = await harness.signal.hostTicket(link.roomId);
    const host = await harness.newPage(`${harness.site.origin}/stock-peerjs.html`);
    const client = await harness.newPage(`${harness.site.origin}/stock-peerjs.html`);

    // The client gets its ticket from the browser, showing the proof, as the SDK does.
    const clientTicket = await client.evaluate(
      async ({ signalUrl, roomId, proof }) => {
        const response = await fetch(new URL('/v1/tickets', signalUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ role: 'client', roomId, proof }),
        });
        return { status: response.status, body: await response.json() };
      },
      { signalUrl: harness.signal.url, roomId: link.roomId, proof: link.proof },
    );
    expect(clientTicket.status).toBe(200);
    const ticket = clientTicket.body as TicketResponse;
    expect(ticket.remotePeerId).toBe(hostTicket.peerId);

    await openStockPeer(client, ticket, harness.signal.url);
    await openStockPeer(host, hostTicket, harness.signal.url);

    const reply = await host.evaluate(
      async ({ remoteId }) => {
        const w = window as unknown as StockPeerWindow;
        const peer = w.peer!;
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        const call = peer.call(remoteId, stream);
        call.on('stream', () => undefined);
        const connection = peer.connect(remoteId, { serialization: 'json', reliable: true });
        return new Promise<unknown>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no echo')), 15_000);
          connection.on('open', () => connection.send({ n: 42 }));
          connection.on('data', (data: never) => {
            clearTimeout(timer);
            resolve(data);
          });
        });
      },
      { remoteId: ticket.peerId },
    );
    expect(reply).toEqual({ echo: { n: 42 } });

    const [hostBefore, hostAfter] = await expectVideoFlowing(host);
    const [clientBefore, clientAfter] = await expectVideoFlowing(client);
    expect(hostAfter).toBeGreaterThan(hostBefore);
    expect(clientAfter).toBeGreaterThan(clientBefore);
  });

  it('the stock client with a wrong token is refused', async () => {
    const link = await harness.signal.createLink(`${harness.site.origin}/stock-peerjs.html`);
    const hostTicket = await harness.signal.hostTicket(link.roomId);
    const page = await harness.newPage(`${harness.site.origin}/stock-peerjs.html`);
    const forged = { ...hostTicket, ticket: `${hostTicket.ticket.slice(0, -4)}AAAA` };
    const outcome = await openStockPeer(page, forged, harness.signal.url).then(
      () => 'opened',
      (error: Error) => error.message,
    );
    // PeerJS reports the server's ERROR frame as `server-error` before the 1008 close.
    expect(outcome).toMatch(/Error: server-error\b/);
  });
});
