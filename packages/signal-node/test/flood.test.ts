import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignalServer } from '../src/index.js';
import {
  API_KEY,
  closeAll,
  ORIGIN,
  registerRoom,
  startServer,
  TestPeer,
  within,
  wsUrl,
  type HttpAnswer,
  type Room,
  type Ticket,
} from './helpers.js';

afterEach(closeAll);

// Linux routes all of 127.0.0.0/8 to the loopback interface, so a client bound to
// 127.0.0.2 reaches a server on 127.0.0.1 and is counted as another address.
const FLOODER = '127.0.0.1';
const HONEST_HOST = '127.0.0.2';
const HONEST_CLIENT = '127.0.0.3';

/** An HTTP request from a chosen local address. */
function callFrom(
  localAddress: string,
  server: SignalServer,
  path: string,
  headers: Record<string, string>,
  body: unknown,
): Promise<HttpAnswer> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(path, server.url),
      {
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(text)),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            json: raw === '' ? undefined : (JSON.parse(raw) as unknown),
            text: raw,
          });
        });
      },
    );
    request.setTimeout(5000, () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end(text);
  });
}

async function ticketFrom(
  localAddress: string,
  server: SignalServer,
  room: Room,
  role: 'host' | 'client',
): Promise<Ticket> {
  const answer =
    role === 'host'
      ? await callFrom(
          localAddress,
          server,
          '/v1/tickets',
          { authorization: `Bearer ${API_KEY}` },
          {
            role,
            roomId: room.roomId,
          },
        )
      : await callFrom(
          localAddress,
          server,
          '/v1/tickets',
          { origin: ORIGIN },
          {
            role,
            roomId: room.roomId,
            proof: room.link.proof,
          },
        );
  expect(answer.status).toBe(200);
  return answer.json as Ticket;
}

function peerFrom(localAddress: string, server: SignalServer, ticket: Ticket): TestPeer {
  return new TestPeer(wsUrl(server, { id: ticket.peerId, token: ticket.ticket }), ORIGIN, {
    localAddress,
  });
}

// Bounded waits inside; the limit is generous for a busy shared machine.
describe('bb-signal under a flood from one address', { timeout: 30_000 }, () => {
  it('throttles the flooding address while an honest pair connects and relays', async () => {
    const server = await startServer({
      connectionsPerAddress: 8,
      requestsPerMinute: 60,
      messagesPerSecond: 50,
      messageBurst: 100,
    });
    // The flooder's own rooms, with real tickets: it can hold sockets open legitimately.
    const flooderRooms = await Promise.all(Array.from({ length: 6 }, () => registerRoom(server)));
    const flooderTickets: Ticket[] = [];
    for (const room of flooderRooms) {
      flooderTickets.push(await ticketFrom(FLOODER, server, room, 'host'));
      flooderTickets.push(await ticketFrom(FLOODER, server, room, 'client'));
    }
    const honestRoom = await registerRoom(server);

    const flood = (async () => {
      // Connections: twelve sockets with valid tickets, more than the address may hold.
      const sockets = flooderTickets.map((ticket) => peerFrom(FLOODER, server, ticket));
      const handshakes = await Promise.all(sockets.map((socket) => socket.handshake));
      const refusedSockets = handshakes.filter((answer) => answer.status === 429);
      for (const answer of refusedSockets) {
        expect(answer.json).toMatchObject({ error: { code: 'BB_ERR_TOO_MANY_CONNECTIONS' } });
      }
      // Messages: every admitted socket sends far more than its burst at once.
      const admitted = sockets.filter((_socket, index) => handshakes[index]?.status === 101);
      for (const socket of admitted) {
        for (let index = 0; index < 1000; index += 1) {
          if (socket.ws.readyState !== socket.ws.OPEN) break;
          socket.send({ type: 'HEARTBEAT' });
        }
      }
      const closes = await Promise.all(admitted.map((socket) => socket.waitClosed()));
      // Requests: three times the per-minute allowance, as fast as they go.
      const requests = await Promise.all(
        Array.from({ length: 180 }, () =>
          callFrom(
            FLOODER,
            server,
            '/v1/tickets',
            { origin: ORIGIN },
            {
              role: 'client',
              roomId: honestRoom.roomId,
              proof: 'A'.repeat(43),
            },
          ),
        ),
      );
      return { admitted: admitted.length, refusedSockets: refusedSockets.length, closes, requests };
    })();

    const honest = (async () => {
      const hostT = await ticketFrom(HONEST_HOST, server, honestRoom, 'host');
      const clientT = await ticketFrom(HONEST_CLIENT, server, honestRoom, 'client');
      const host = peerFrom(HONEST_HOST, server, hostT);
      const client = peerFrom(HONEST_CLIENT, server, clientT);
      await host.waitFor('OPEN');
      await client.waitFor('OPEN');
      const payload = {
        sdp: { type: 'offer', sdp: 'v=0\r\n' },
        type: 'media',
        connectionId: 'mc_1',
      };
      for (let round = 0; round < 20; round += 1) {
        host.send({
          type: 'OFFER',
          dst: clientT.peerId,
          payload: { ...payload, connectionId: `mc_${round}` },
        });
        client.send({
          type: 'ANSWER',
          dst: hostT.peerId,
          payload: {
            ...payload,
            sdp: { type: 'answer', sdp: 'v=0\r\n' },
            connectionId: `mc_${round}`,
          },
        });
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await within(
        (async () => {
          while (
            client.frames.filter((frame) => frame.type === 'OFFER').length < 20 ||
            host.frames.filter((frame) => frame.type === 'ANSWER').length < 20
          ) {
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        })(),
        'the honest relay',
        10_000,
      );
      const still = { host: host.ws.readyState, client: client.ws.readyState };
      await Promise.all([host.close(), client.close()]);
      return still;
    })();

    const [flooded, honestState] = await Promise.all([flood, honest]);
    // The connection limit held: no more than eight live sockets from the flooder.
    expect(flooded.admitted).toBeLessThanOrEqual(8);
    expect(flooded.refusedSockets).toBeGreaterThanOrEqual(4);
    // Every flooding socket was closed for its rate.
    for (const closed of flooded.closes) {
      expect(closed).toEqual({ code: 1008, reason: 'BB_ERR_RATE_LIMITED' });
    }
    // The request flood met 429 with Retry-After; the first ones were answered normally.
    const limited = flooded.requests.filter((answer) => answer.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(100);
    for (const answer of limited) {
      expect(answer.json).toMatchObject({ error: { code: 'BB_ERR_RATE_LIMITED' } });
      expect(answer.headers['retry-after']).toBeDefined();
    }
    expect(flooded.requests.filter((answer) => answer.status === 403).length).toBeGreaterThan(0);
    // The honest pair stayed connected and every message arrived.
    expect(honestState).toEqual({ host: 1, client: 1 });
  });
});
