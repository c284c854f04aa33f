import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Which connections the hostile signaller hands to the attacker: `all` (the control
 * channel and the media), `media` (every media call; the control channel stays honest),
 * `screen` (only screen calls, told apart by the metadata of their OFFER), or `none`.
 */
export type InterceptMode = 'all' | 'media' | 'screen' | 'none';

export interface HostileSignal {
  /** Pass this as `signalUrl` to the honest pages. */
  readonly url: string;
  /** How many PeerJS messages went to the attacker instead of their addressee. */
  readonly diverted: number;
  close(): Promise<void>;
}

/** The token the attacker page's PeerJS clients present, to be told from honest ones. */
export const ATTACKER_TOKEN = 'attacker';

interface Routed {
  type?: unknown;
  dst?: unknown;
  payload?: { type?: unknown; connectionId?: unknown; metadata?: { kind?: unknown } };
}

function isDiverted(mode: InterceptMode, message: Routed, screenIds: Set<unknown>): boolean {
  const payload = message.payload;
  if (mode === 'all') {
    return true;
  }
  if (mode === 'none' || payload?.type !== 'media') {
    return false;
  }
  if (mode === 'media') {
    return true;
  }
  if (payload.metadata?.kind === 'screen') {
    screenIds.add(payload.connectionId);
  }
  return screenIds.has(payload.connectionId);
}

/**
 * A signalling server that turns on its users, made for the man-in-the-middle tests.
 * HTTP (tickets, TURN credentials) is passed to the real bb-signal at `upstream`, so the
 * honest pages get real tickets. The PeerJS socket it serves itself, speaking the PeerJS
 * server protocol. With an intercept mode other than `none`, an honest page's OFFER,
 * ANSWER and CANDIDATE messages addressed to the other participant go to the attacker's
 * socket with that same peer id instead, and the attacker's replies go to the honest page
 * as if they came from its partner. Every socket closes when the server does; it listens
 * on 127.0.0.1 only.
 */
export async function startHostileSignal(
  upstream: string,
  mode: InterceptMode,
  aliases: Readonly<Record<string, string>> = {},
): Promise<HostileSignal> {
  // `aliases` joins two sessions into one: a message to a key goes to the socket of its
  // value, and messages from the value's socket appear to come from the key.
  const senderName = new Map(Object.entries(aliases).map(([alias, id]) => [id, alias]));
  const honest = new Map<string, WebSocket>();
  const attacker = new Map<string, WebSocket>();
  let diverted = 0;
  const screenIds = new Set<unknown>();

  const proxy = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const headers: Record<string, string> = {};
    for (const name of [
      'content-type',
      'origin',
      'authorization',
      'access-control-request-method',
      'access-control-request-headers',
    ]) {
      const value = request.headers[name];
      if (typeof value === 'string') {
        headers[name] = value;
      }
    }
    const method = request.method ?? 'GET';
    const answer = await fetch(new URL(request.url ?? '/', upstream), {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? null : new Uint8Array(Buffer.concat(chunks)),
    });
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name.startsWith('access-control-') || name === 'content-type' || name === 'vary') {
        out[name] = value;
      }
    });
    response.writeHead(answer.status, out);
    response.end(Buffer.from(await answer.arrayBuffer()));
  };

  const server = createServer((request, response) => {
    proxy(request, response).catch(() => {
      response.writeHead(502).end();
    });
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket, request) => {
    const query = new URL(request.url ?? '/', 'http://hostile.invalid').searchParams;
    const id = query.get('id') ?? '';
    const own = query.get('token') === ATTACKER_TOKEN ? attacker : honest;
    const fromAttacker = own === attacker;
    own.set(id, socket);
    socket.send(JSON.stringify({ type: 'OPEN' }));
    socket.on('message', (data) => {
      let message: Routed;
      try {
        message = JSON.parse(String(data)) as Routed;
      } catch {
        return;
      }
      if (typeof message.dst !== 'string' || message.type === 'HEARTBEAT') {
        return;
      }
      const toAttacker = !fromAttacker && isDiverted(mode, message, screenIds);
      const target = (toAttacker ? attacker : honest).get(aliases[message.dst] ?? message.dst);
      if (toAttacker) {
        diverted += 1;
      }
      if (target === undefined) {
        socket.send(JSON.stringify({ type: 'EXPIRE', src: message.dst, dst: id }));
        return;
      }
      const src = fromAttacker ? id : (senderName.get(id) ?? id);
      target.send(JSON.stringify({ ...message, src }));
    });
    socket.on('close', () => {
      if (own.get(id) === socket) {
        own.delete(id);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get diverted() {
      return diverted;
    },
    async close() {
      for (const socket of sockets.clients) {
        socket.terminate();
      }
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
