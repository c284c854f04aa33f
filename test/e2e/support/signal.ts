import { randomBytes } from 'node:crypto';
import { SessionLink, TicketResponseSchema, type TicketResponse } from '@bilateral-base/core';
import {
  createSignalServer,
  type SignalServer,
  type SignalServerOptions,
} from '@bilateral-base/signal-node';

export interface TestSignal {
  readonly url: string;
  readonly server: SignalServer;
  /** Creates a link under `pageUrl` and registers its room with the API key. */
  createLink(pageUrl: string): Promise<SessionLink>;
  /** Mints a host ticket the way a practice site's backend does. */
  hostTicket(roomId: string): Promise<TicketResponse>;
  close(): Promise<void>;
}

/**
 * Starts a real bb-signal on 127.0.0.1:0 that accepts browsers from `origin`; `extra`
 * adds options such as the TURN ones.
 */
export async function startSignal(
  origin: string,
  extra: SignalServerOptions = {},
): Promise<TestSignal> {
  const apiKey = randomBytes(32).toString('base64url');
  const server = await createSignalServer({
    host: '127.0.0.1',
    port: 0,
    databasePath: ':memory:',
    apiKeys: [apiKey],
    allowedOrigins: [origin],
    logLevel: 'silent',
    ...extra,
  });
  const post = async (route: string, body: unknown): Promise<unknown> => {
    const response = await fetch(new URL(route, server.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json: unknown = await response.json();
    if (!response.ok) {
      throw new Error(`${route} answered ${response.status}: ${JSON.stringify(json)}`);
    }
    return json;
  };
  return {
    url: server.url,
    server,
    async createLink(pageUrl) {
      const link = SessionLink.create(pageUrl);
      await post('/v1/rooms', { roomId: link.roomId, proofHash: link.proofHash });
      return link;
    },
    async hostTicket(roomId) {
      return TicketResponseSchema.parse(await post('/v1/tickets', { role: 'host', roomId }));
    },
    close: () => server.close(),
  };
}
