import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAIT_MS } from './frames.js';

// The example started exactly as `npm start` starts it (examples/practice-site/server.mjs:
// bb-signal on a SQLite file plus the site's backend), in its own process, on free
// loopback ports and a fresh data directory.

const SERVER_SCRIPT = new URL('../../../examples/practice-site/server.mjs', import.meta.url);

export interface PracticeSiteProcess {
  readonly siteUrl: string;
  /** The bb-signal URL the example printed. */
  readonly signalUrl: string;
  /** Where the example keeps its SQLite file (`practice.db`). */
  readonly dataDir: string;
  /** Everything the process printed so far, both streams. */
  output(): string;
  /** Stops the process and removes the data directory. */
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/** Starts the example with `env` added; resolves once it has printed both URLs. */
export async function startPracticeSiteProcess(
  env: Record<string, string> = {},
): Promise<PracticeSiteProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bb-practice-'));
  const [sitePort, signalPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [SERVER_SCRIPT.pathname], {
    env: {
      ...process.env,
      PORT: String(sitePort),
      SIGNAL_PORT: String(signalPort),
      BB_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, WAIT_MS))]);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const [siteUrl, signalUrl] = await new Promise<[string, string]>((resolve, reject) => {
      const timer = setTimeout(() => {
        clearInterval(poll);
        reject(new Error(`the example printed no URLs:\n${output}`));
      }, WAIT_MS);
      const poll = setInterval(() => {
        const site = /Practice site: (http:\/\/\S+)/.exec(output)?.[1];
        const signal = /bb-signal: +(http:\/\/\S+)/.exec(output)?.[1];
        if (site !== undefined && signal !== undefined) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve([site, signal]);
        }
      }, 50);
      child.once('exit', (code) => {
        clearInterval(poll);
        clearTimeout(timer);
        reject(new Error(`the example exited with ${code}:\n${output}`));
      });
    });
    return { siteUrl, signalUrl, dataDir, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
