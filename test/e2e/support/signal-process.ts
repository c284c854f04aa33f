import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SessionLink, TicketResponseSchema, type TicketResponse } from '@bilateral-base/core';

/** The built CLI; `npm test` builds it first (pretest). */
const CLI = resolve(import.meta.dirname, '../../../packages/signal-node/dist/cli.js');
const READY_MS = 20_000;
/** A process left behind by a crashed test run is killed after this. */
const WATCHDOG_MS = 10 * 60_000;

/**
 * bb-signal as a separate process, the way an operator runs it, so a test can kill it
 * with SIGKILL mid-call and start it again on the same port, database and ticket secret.
 */
export interface SignalProcess {
  readonly url: string;
  readonly port: number;
  createLink(pageUrl: string): Promise<SessionLink>;
  hostTicket(roomId: string): Promise<TicketResponse>;
  /** SIGKILL: no close frames, no goodbye, the way a crash or an OOM kill ends it. */
  kill(): Promise<void>;
  /** Starts it again with the same settings; resolves once it listens. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface SignalProcessOptions {
  readonly allowedOrigin: string;
  /** Seconds a ticket may wait for its first use (bb-signal's --ticket-ttl-seconds). */
  readonly ticketTtlSeconds?: number;
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export async function startSignalProcess(options: SignalProcessOptions): Promise<SignalProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bb-signal-process-'));
  const port = await freeTcpPort();
  const apiKey = randomBytes(32).toString('base64url');
  const env = {
    ...process.env,
    BB_SIGNAL_HOST: '127.0.0.1',
    BB_SIGNAL_PORT: String(port),
    BB_SIGNAL_DATABASE_PATH: join(dir, 'signal.db'),
    BB_SIGNAL_API_KEYS: apiKey,
    BB_SIGNAL_ALLOWED_ORIGINS: options.allowedOrigin,
    BB_SIGNAL_TICKET_SECRET: randomBytes(32).toString('base64url'),
    BB_SIGNAL_TICKET_TTL_SECONDS: String(options.ticketTtlSeconds ?? 60),
    BB_SIGNAL_LOG_LEVEL: 'warn',
  };
  const url = `http://127.0.0.1:${port}/`;
  let child: ChildProcess | undefined;

  const launch = async () => {
    const started = spawn(process.execPath, [CLI], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const watchdog = setTimeout(() => started.kill('SIGKILL'), WATCHDOG_MS);
    watchdog.unref();
    started.once('exit', () => clearTimeout(watchdog));
    let output = '';
    started.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`bb-signal did not start: ${output}`)),
        READY_MS,
      );
      started.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening on')) {
          clearTimeout(timer);
          ready();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`bb-signal exited with ${String(code)}: ${output}`));
      });
    });
  };

  const waitForExit = (target: ChildProcess | undefined, signal: NodeJS.Signals) =>
    new Promise<void>((done) => {
      if (target === undefined || target.exitCode !== null || target.signalCode !== null) {
        done();
        return;
      }
      target.once('exit', () => done());
      target.kill(signal);
    });

  const post = async (route: string, body: unknown): Promise<unknown> => {
    const response = await fetch(new URL(route, url), {
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

  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);
  await launch();
  return {
    url,
    port,
    async createLink(pageUrl) {
      const link = SessionLink.create(pageUrl);
      await post('/v1/rooms', { roomId: link.roomId, proofHash: link.proofHash });
      return link;
    },
    async hostTicket(roomId) {
      return TicketResponseSchema.parse(await post('/v1/tickets', { role: 'host', roomId }));
    },
    kill: () => waitForExit(child, 'SIGKILL'),
    restart: launch,
    async stop() {
      process.off('exit', killOnExit);
      await waitForExit(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
