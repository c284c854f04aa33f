import { request as httpRequest } from 'node:http';
import { SessionLink } from '@bilateral-base/core/links';
import { expect } from 'vitest';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import { createSignalServer, type SignalServer, type SignalServerOptions } from '../src/index.js';

export const API_KEY = 'test-api-key-0123456789abcdefghijklmnop';
export const ORIGIN = 'http://127.0.0.1:8080';
export const TICKET_SECRET = Buffer.alloc(32, 7).toString('base64url');
/** Bounds every wait in these tests. */
export const WAIT_MS = 3000;

const running = new Set<SignalServer>();

/** A server on a free loopback port with an in-memory database; closed by `closeAll`. */
export async function startServer(options: SignalServerOptions = {}): Promise<SignalServer> {
  const server = await createSignalServer({
    host: '127.0.0.1',
    port: 0,
    databasePath: ':memory:',
    apiKeys: [API_KEY],
    allowedOrigins: [ORIGIN],
    ticketSecret: TICKET_SECRET,
    logLevel: 'silent',
    // The dummy login hash is made at start; the default cost (2^17) would spend 128 MiB
    // and half a second of a shared core on every server these tests start.
    passwordHashCost: 10,
    ...options,
  });
  running.add(server);
  return server;
}

export async function closeAll(): Promise<void> {
  const servers = [...running];
  running.clear();
  await Promise.all(servers.map((server) => server.close()));
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
  text: string;
}

/** A plain HTTP request with full control of headers (fetch would refuse to set Origin). */
export function call(
  server: SignalServer,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; rawBody?: string } = {},
): Promise<HttpAnswer> {
  const body =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { ...options.headers };
  if (body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, server.url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json, text });
      });
    });
    req.setTimeout(WAIT_MS, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

export const withKey = { authorization: `Bearer ${API_KEY}` };

export function errorCode(answer: HttpAnswer): unknown {
  return (answer.json as { error?: { code?: unknown } } | undefined)?.error?.code;
}

export interface Room {
  link: SessionLink;
  roomId: string;
}

export async function registerRoom(server: SignalServer): Promise<Room> {
  const link = SessionLink.create('http://127.0.0.1:8080/join');
  const answer = await call(server, 'POST', '/v1/rooms', {
    headers: withKey,
    body: { roomId: link.roomId, proofHash: link.proofHash },
  });
  expect(answer.status).toBe(201);
  return { link, roomId: link.roomId };
}

export interface Ticket {
  ticket: string;
  peerId: string;
  remotePeerId: string;
  expiresAt: number;
}

export async function hostTicket(server: SignalServer, room: Room): Promise<Ticket> {
  const answer = await call(server, 'POST', '/v1/tickets', {
    headers: withKey,
    body: { role: 'host', roomId: room.roomId },
  });
  expect(answer.status).toBe(200);
  return answer.json as Ticket;
}

export async function clientTicket(server: SignalServer, room: Room): Promise<Ticket> {
  const answer = await call(server, 'POST', '/v1/tickets', {
    headers: { origin: ORIGIN },
    body: { role: 'client', roomId: room.roomId, proof: room.link.proof },
  });
  expect(answer.status).toBe(200);
  return answer.json as Ticket;
}

export interface Closed {
  code: number;
  reason: string;
}

export type Frame = Record<string, unknown> & { type: string };

/** A WebSocket client that records what it receives, with bounded waits. */
export class TestPeer {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  readonly closed: Promise<Closed>;
  /** Resolves with 101 on upgrade, or with the HTTP status and JSON body of a refusal. */
  readonly handshake: Promise<{ status: number; json?: unknown }>;
  private waiters: (() => void)[] = [];

  /** `options` go to ws, for example `localAddress` to connect from another loopback address. */
  constructor(url: string, origin: string | undefined, options: ClientOptions = {}) {
    this.ws = new WebSocket(url, origin === undefined ? options : { ...options, origin });
    this.ws.on('message', (data: RawData) => {
      this.frames.push(JSON.parse(data.toString()) as Frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    this.handshake = new Promise((resolve) => {
      this.ws.on('open', () => resolve({ status: 101 }));
      this.ws.on('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        });
      });
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first received frame of `type` (already received or arriving within WAIT_MS). */
  async waitFor(type: string): Promise<Frame> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.frames.find((frame) => frame.type === type);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async waitClosed(): Promise<Closed> {
    return within(this.closed, 'socket close');
  }

  close(): Promise<Closed> {
    this.ws.close(1000);
    return this.waitClosed();
  }
}

export async function within<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ConnectOptions {
  id?: string;
  token?: string;
  key?: string;
  origin?: string | undefined;
  path?: string;
}

export function wsUrl(server: SignalServer, options: ConnectOptions): string {
  const base = server.url.replace(/^http/, 'ws');
  const query = [`key=${options.key ?? 'peerjs'}`];
  if (options.id !== undefined) query.push(`id=${options.id}`);
  if (options.token !== undefined) query.push(`token=${options.token}`);
  query.push('version=1.5.5');
  return `${base}${options.path ?? '/peerjs'}?${query.join('&')}`;
}

/** Opens a socket the way peerjs 1.5.5 does (ticket unescaped in the query). */
export function connect(server: SignalServer, options: ConnectOptions): TestPeer {
  const origin = 'origin' in options ? options.origin : ORIGIN;
  return new TestPeer(wsUrl(server, options), origin);
}

/** Connects with a ticket and waits for OPEN. */
export async function connectWith(server: SignalServer, ticket: Ticket): Promise<TestPeer> {
  const peer = connect(server, { id: ticket.peerId, token: ticket.ticket });
  await peer.waitFor('OPEN');
  return peer;
}

/** Expects the server to refuse with an ERROR (or ID-TAKEN) frame and a 1008 close. */
export async function expectRefused(
  peer: TestPeer,
  code: string,
  notice: 'ERROR' | 'ID-TAKEN' = 'ERROR',
): Promise<void> {
  const closed = await peer.waitClosed();
  expect(closed).toEqual({ code: 1008, reason: code });
  const frame = peer.frames.find((candidate) => candidate.type === notice);
  expect(frame).toBeDefined();
  const payload = frame?.['payload'] as { msg: string; code?: string };
  expect(payload.msg.startsWith(`${code}: `)).toBe(true);
  if (notice === 'ERROR') {
    expect(payload.code).toBe(code);
  }
  expect(peer.frames.some((candidate) => candidate.type === 'OPEN')).toBe(false);
}

/** Expects an admitted socket to be ended with an ERROR frame and a 1008 close. */
export async function expectEnded(peer: TestPeer, code: string): Promise<void> {
  expect(await peer.waitClosed()).toEqual({ code: 1008, reason: code });
  expect(await peer.waitFor('ERROR')).toMatchObject({
    payload: { code, msg: expect.stringMatching(new RegExp(`^${code}: `)) },
  });
}

const SDP_OFFER = { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
const SDP_ANSWER = { type: 'answer', sdp: 'v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\n' };

/**
 * A fresh room with an honest host and client: both connect, and OFFER, ANSWER and
 * CANDIDATE travel both ways with `src` set by the server. Proves a server still serves
 * honest users after a hostile test.
 */
export async function expectHonestPairWorks(server: SignalServer): Promise<void> {
  const room = await registerRoom(server);
  const hostT = await hostTicket(server, room);
  const clientT = await clientTicket(server, room);
  expect(hostT.remotePeerId).toBe(clientT.peerId);
  expect(clientT.remotePeerId).toBe(hostT.peerId);
  const host = await connectWith(server, hostT);
  const client = await connectWith(server, clientT);
  try {
    const connectionId = 'mc_honest';
    host.send({
      type: 'OFFER',
      dst: clientT.peerId,
      payload: { sdp: SDP_OFFER, type: 'media', connectionId, metadata: { a: 1 } },
    });
    const offer = await client.waitFor('OFFER');
    expect(offer).toMatchObject({ src: hostT.peerId, dst: clientT.peerId });
    expect(offer['payload']).toMatchObject({ sdp: SDP_OFFER, connectionId });

    client.send({
      type: 'ANSWER',
      dst: hostT.peerId,
      payload: { sdp: SDP_ANSWER, type: 'media', connectionId },
    });
    const answer = await host.waitFor('ANSWER');
    expect(answer).toMatchObject({ src: clientT.peerId, payload: { sdp: SDP_ANSWER } });

    const candidate = { candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0' };
    host.send({
      type: 'CANDIDATE',
      dst: clientT.peerId,
      payload: { candidate, type: 'media', connectionId },
    });
    client.send({
      type: 'CANDIDATE',
      dst: hostT.peerId,
      payload: { candidate, type: 'media', connectionId },
    });
    expect(await client.waitFor('CANDIDATE')).toMatchObject({ src: hostT.peerId });
    expect(await host.waitFor('CANDIDATE')).toMatchObject({ src: clientT.peerId });
  } finally {
    await Promise.all([host.close(), client.close()]);
  }
}
