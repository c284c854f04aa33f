import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionLink } from '@bilateral-base/core/links';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignalServer } from '../src/index.js';
import {
  API_KEY,
  call,
  clientTicket,
  closeAll,
  connectWith,
  hostTicket,
  ORIGIN,
  registerRoom,
  startServer,
  TICKET_SECRET,
  within,
  withKey,
} from './helpers.js';

// The compiled command is what operators run and what receives the signals; `npm test`
// builds it first. Without a build these tests fail rather than pass silently.
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

interface RunningCli {
  readonly child: ChildProcess;
  readonly server: SignalServer;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

const children = new Set<ChildProcess>();
const directories: string[] = [];

afterEach(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  await closeAll();
  for (const directory of directories.splice(0)) {
    rmSync(directory, { recursive: true, force: true });
  }
});

function databaseFile(): string {
  const directory = mkdtempSync(join(tmpdir(), 'bb-signal-shutdown-'));
  directories.push(directory);
  return join(directory, 'rooms.db');
}

/** Starts `bb-signal` as its own process on a free loopback port. */
async function startCli(databasePath: string, flags: string[]): Promise<RunningCli> {
  expect(existsSync(CLI), `${CLI} is missing: run npm run build first`).toBe(true);
  const child = spawn(
    process.execPath,
    [
      CLI,
      '--port',
      '0',
      '--database-path',
      databasePath,
      '--allowed-origin',
      ORIGIN,
      '--password-hash-cost',
      '10',
      ...flags,
    ],
    {
      env: {
        PATH: process.env['PATH'],
        BB_SIGNAL_API_KEYS: API_KEY,
        BB_SIGNAL_TICKET_SECRET: TICKET_SECRET,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await within(
    new Promise<string>((resolve, reject) => {
      const look = (): void => {
        const found = /bb-signal listening on (http:\/\/\S+)/.exec(text);
        if (found?.[1] !== undefined) resolve(found[1]);
      };
      child.stdout?.on('data', look);
      void exited.then(() => reject(new Error(`bb-signal exited early:\n${text}`)));
    }),
    'bb-signal start',
    15_000,
  );
  const port = Number(new URL(url).port);
  const server: SignalServer = {
    url,
    host: '127.0.0.1',
    port,
    close: () => Promise.resolve(),
  };
  return { child, server, exited, output: () => text };
}

interface SlowRequest {
  readonly request: ClientRequest;
  /** The HTTP status, or the error's code when the request was cut. */
  readonly outcome: Promise<number | string>;
  finish(): void;
}

/**
 * Registers a room with a body sent in two halves, so the request is in flight (headers
 * read, body awaited) until `finish()`.
 */
function slowRoomRequest(server: SignalServer, link: SessionLink): SlowRequest {
  const body = JSON.stringify({ roomId: link.roomId, proofHash: link.proofHash });
  const half = Math.floor(body.length / 2);
  const request = httpRequest(new URL('/v1/rooms', server.url), {
    method: 'POST',
    headers: {
      ...withKey,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
  });
  const outcome = new Promise<number | string>((resolve) => {
    request.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', (error: Error & { code?: string }) => resolve(error.code ?? error.name));
  });
  request.write(body.slice(0, half));
  return { request, outcome, finish: () => request.end(body.slice(half)) };
}

/** Resolves with the error code of a TCP connection attempt, or 'connected'. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: Error & { code?: string }) => resolve(error.code ?? error.name));
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Each test starts a process and waits for it to stop; bounded waits inside.
describe('bb-signal graceful shutdown (the real command)', { timeout: 30_000 }, () => {
  it('on SIGTERM tells sockets 1001, refuses new connections, finishes requests, exits 0', async () => {
    const databasePath = databaseFile();
    const cli = await startCli(databasePath, ['--drain-timeout-ms', '8000']);
    const room = await registerRoom(cli.server);
    const host = await connectWith(cli.server, await hostTicket(cli.server, room));
    const client = await connectWith(cli.server, await clientTicket(cli.server, room));
    const lateLink = SessionLink.create('http://127.0.0.1:8080/join');
    const inFlight = slowRoomRequest(cli.server, lateLink);
    // Lets the server read the request's headers before the signal arrives.
    await pause(300);

    cli.child.kill('SIGTERM');
    const going = { code: 1001, reason: 'BB_ERR_SERVER_SHUTTING_DOWN' };
    expect(await host.waitClosed()).toEqual(going);
    expect(await client.waitClosed()).toEqual(going);
    // The listener is gone while the request is still running.
    expect(await tryConnect(cli.server.port)).toBe('ECONNREFUSED');
    expect(cli.child.exitCode).toBeNull();

    inFlight.finish();
    expect(await within(inFlight.outcome, 'the request in flight')).toBe(201);
    expect(await within(cli.exited, 'exit', 10_000)).toEqual({ code: 0, signal: null });
    const output = cli.output();
    expect(output).toContain('bb-signal stopping (SIGTERM)');
    expect(output).toContain('"msg":"shutting down"');
    expect(output).toContain('bb-signal stopped');
    // Finished within the drain: nothing was cut, no kept-alive connection held it open.
    expect(output).not.toContain('were cut');
    for (const secret of [API_KEY, TICKET_SECRET, room.link.proof, '127.0.0.1"']) {
      expect(output).not.toContain(secret);
    }

    // The request that finished during the drain was written before the database closed.
    const again = await startServer({ databasePath });
    const answer = await call(again, 'POST', '/v1/rooms', {
      headers: withKey,
      body: { roomId: lateLink.roomId, proofHash: lateLink.proofHash },
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ roomId: lateLink.roomId, created: false });
  });

  it('cuts a request that outlives drainTimeoutMs and still exits 0', async () => {
    const cli = await startCli(databaseFile(), ['--drain-timeout-ms', '400']);
    const stuck = slowRoomRequest(cli.server, SessionLink.create('http://127.0.0.1:8080/join'));
    await pause(300);
    cli.child.kill('SIGTERM');
    expect(await within(stuck.outcome, 'the stuck request', 10_000)).toBe('ECONNRESET');
    expect(await within(cli.exited, 'exit', 10_000)).toEqual({ code: 0, signal: null });
    expect(cli.output()).toContain('requests still running after drainTimeoutMs were cut');
  });

  it('exits 1 at once on a second signal', async () => {
    const cli = await startCli(databaseFile(), ['--drain-timeout-ms', '600000']);
    const stuck = slowRoomRequest(cli.server, SessionLink.create('http://127.0.0.1:8080/join'));
    await pause(300);
    cli.child.kill('SIGINT');
    await within(
      (async () => {
        while (!cli.output().includes('bb-signal stopping (SIGINT)')) await pause(20);
      })(),
      'the first signal',
    );
    cli.child.kill('SIGINT');
    expect(await within(cli.exited, 'exit')).toEqual({ code: 1, signal: null });
    expect(cli.output()).toContain('SIGINT again; exiting without waiting');
    stuck.request.destroy();
  });
});

describe('bb-signal close() in process', () => {
  it('ends sockets with 1001, lets a request in flight finish, then refuses connections', async () => {
    const server = await startServer({ drainTimeoutMs: 2000 });
    const room = await registerRoom(server);
    const ticket = await hostTicket(server, room);
    const host = await connectWith(server, ticket);
    // A request in flight keeps the HTTP server open while the sockets are ended.
    const slow = slowRoomRequest(server, SessionLink.create('http://127.0.0.1:8080/join'));
    await pause(100);
    const closing = server.close();
    expect(await host.waitClosed()).toEqual({
      code: 1001,
      reason: 'BB_ERR_SERVER_SHUTTING_DOWN',
    });
    slow.finish();
    expect(await within(slow.outcome, 'the request in flight')).toBe(201);
    await within(closing, 'close()');
    expect(await tryConnect(server.port)).toBe('ECONNREFUSED');
  });
});
