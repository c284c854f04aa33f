// What each server needs before browsers-to-be can connect, and the socket URLs they
// connect with. bb-signal: registered rooms (over its HTTP API with the integrator key,
// as a practice site does) and tickets signed with the server's ticket secret by the
// server's own TicketSigner, which is what POST /v1/tickets returns, minus 10,000 HTTP
// round trips. PeerServer: any id and token. Both use peer ids of the same shape, so the
// relayed frames are the same size.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivePeerId } from '../../packages/signal-node/dist/crypto/peer-id.js';
import { TicketSigner } from '../../packages/signal-node/dist/crypto/tickets.js';

const REGISTER_CONCURRENCY = 16;
/** The practice site's origin as bb-signal lists it; the login phase sends it as `Origin`. */
const BROWSER_ORIGIN = 'https://practice.bench.invalid';

function socketUrl(port, id, token) {
  return `ws://127.0.0.1:${port}/peerjs?key=peerjs&id=${id}&token=${token}&version=1.5.5`;
}

/** Two targets per session, host then client, each naming the other as its partner. */
function pairTargets(port, sessions) {
  return sessions.flatMap(({ host, client }) => [
    { url: socketUrl(port, host.id, host.token), partnerId: client.id },
    { url: socketUrl(port, client.id, client.token), partnerId: host.id },
  ]);
}

export function bbSignalFixtures() {
  const directory = mkdtempSync(join(tmpdir(), 'bb-bench-'));
  const apiKey = randomBytes(32).toString('base64url');
  const secret = randomBytes(32);
  const signer = new TicketSigner(secret);
  const serverConfig = {
    databasePath: join(directory, 'rooms.db'),
    apiKey,
    ticketSecret: secret.toString('base64url'),
    browserOrigin: BROWSER_ORIGIN,
  };
  let sessions = [];

  return {
    serverConfig,
    /** Registers `count` rooms and signs a host and a client ticket for each. */
    async prepare(port, count) {
      const rooms = Array.from({ length: count }, () => randomBytes(16).toString('base64url'));
      let next = 0;
      const register = async () => {
        while (next < rooms.length) {
          const roomId = rooms[next];
          next += 1;
          const response = await fetch(`http://127.0.0.1:${port}/v1/rooms`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ roomId, proofHash: randomBytes(32).toString('base64url') }),
          });
          if (response.status !== 201) {
            throw new Error(`registering a room answered ${response.status}`);
          }
        }
      };
      await Promise.all(Array.from({ length: REGISTER_CONCURRENCY }, register));
      const now = Date.now();
      const side = (roomId, role) => {
        const peerId = derivePeerId(secret, roomId, role);
        const { ticket } = signer.issue({
          roomId,
          role,
          peerId,
          now,
          ttlSeconds: 3600,
          sessionMaxSeconds: 7200,
        });
        return { id: peerId, token: ticket };
      };
      sessions = rooms.map((roomId) => ({
        host: side(roomId, 'host'),
        client: side(roomId, 'client'),
      }));
    },
    targets: (port, from, to) => pairTargets(port, sessions.slice(from, to)),
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}

export function peerServerFixtures() {
  let sessions = [];
  const side = (role) => ({
    id: `${role}-${randomBytes(16).toString('hex')}`,
    token: randomBytes(8).toString('hex'),
  });
  return {
    serverConfig: {},
    async prepare(_port, count) {
      sessions = Array.from({ length: count }, () => ({
        host: side('host'),
        client: side('client'),
      }));
    },
    targets: (port, from, to) => pairTargets(port, sessions.slice(from, to)),
    cleanup: () => undefined,
  };
}
