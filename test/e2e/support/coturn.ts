import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { bindingRequest, transact } from './turn-client.js';

/** A coturn started by a test, on loopback, with a fresh shared secret. */
export interface TestCoturn {
  readonly port: number;
  /** The `static-auth-secret`, to hand to bb-signal as `turnSecret`. */
  readonly secret: string;
  readonly realm: string;
  /** `turn:127.0.0.1:<port>?transport=udp` and the TCP form. */
  readonly urls: readonly string[];
  /** What coturn wrote to its log file so far. */
  log(): string;
  stop(): Promise<void>;
}

const TURNSERVER = 'turnserver';
const READY_ATTEMPTS = 50;
const READY_INTERVAL_MS = 100;
/** A coturn left behind by a crashed test run stops by itself after this. */
const WATCHDOG_MS = 10 * 60 * 1000;

export const COTURN_HELP =
  'coturn (`turnserver`) is not installed; install it with `apt-get install -y coturn` ' +
  '(.ci/run does this) to run the TURN tests';

function hasTurnserver(): boolean {
  return spawnSync('sh', ['-c', `command -v ${TURNSERVER}`]).status === 0;
}

/** A UDP port that was free a moment ago on 127.0.0.1. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createSocket('udp4');
    probe.once('error', reject);
    probe.bind(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Settings of a production turnserver.conf that name addresses, files or secrets. */
const MACHINE_SPECIFIC = new Set([
  'listening-ip',
  'external-ip',
  'relay-ip',
  'listening-port',
  'tls-listening-port',
  'alt-listening-port',
  'min-port',
  'max-port',
  'cert',
  'pkey',
  'static-auth-secret',
  'realm',
  'log-file',
  'syslog',
  'pidfile',
  'userdb',
  'db',
]);

export interface CoturnOptions {
  /**
   * A production turnserver.conf (for example the one in docs/self-hosting.md) to run
   * instead of the test configuration. Every rule in it is kept; only the settings
   * that name this machine's addresses, ports, files and secrets are replaced, so it
   * listens on loopback. It must not allow loopback peers.
   */
  readonly productionConfig?: string;
  /**
   * Listen on this port with this secret instead of fresh ones: a test that kills coturn
   * starts a new one where the old one was, so the browsers' TURN settings stay valid
   * while every allocation they had is gone.
   */
  readonly reuse?: { readonly port: number; readonly secret: string };
}

/** The production configuration with its machine-specific lines swapped for loopback. */
export function adaptProductionConfig(
  ini: string,
  local: { port: number; secret: string; realm: string; dir: string },
): string {
  const kept = ini
    .split('\n')
    .filter((line) => !MACHINE_SPECIFIC.has(line.trim().split(/[=\s]/)[0] ?? ''));
  return [
    ...kept,
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${local.port}`,
    `static-auth-secret=${local.secret}`,
    `realm=${local.realm}`,
    'no-tls',
    'no-dtls',
    `log-file=${join(local.dir, 'turnserver.log')}`,
    'no-stdout-log',
    `pidfile=${join(local.dir, 'turnserver.pid')}`,
    `db=${join(local.dir, 'turndb')}`,
    '',
  ].join('\n');
}

/**
 * Starts `turnserver` on 127.0.0.1 with the coturn REST scheme (`use-auth-secret`)
 * and waits until it answers a STUN Binding request.
 *
 * This configuration is for tests only: it allows loopback peers, because both browsers
 * of a test sit on 127.0.0.1. The production configuration in docs/self-hosting.md
 * refuses loopback, private, link-local and metadata addresses; keep the two apart.
 * No TLS or DTLS listeners (`no-tls`, `no-dtls`), no CLI, no database outside the
 * test's own temporary directory, and nothing read from /etc/turnserver.conf.
 */
export async function startCoturn(options: CoturnOptions = {}): Promise<TestCoturn> {
  if (!hasTurnserver()) {
    throw new Error(COTURN_HELP);
  }
  const dir = mkdtempSync(join(tmpdir(), 'bb-coturn-'));
  const logFile = join(dir, 'turnserver.log');
  const secret = options.reuse?.secret ?? randomBytes(32).toString('base64url');
  const realm = 'bb-test.invalid';
  const port = options.reuse?.port ?? (await freeUdpPort());
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    `--realm=${realm}`,
    '--allow-loopback-peers',
    '--no-multicast-peers',
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--no-rfc5780',
    '--no-software-attribute',
    '--fingerprint',
    '--simple-log',
    `--log-file=${logFile}`,
    '--no-stdout-log',
    `--pidfile=${join(dir, 'turnserver.pid')}`,
    `--db=${join(dir, 'turndb')}`,
    '--user-quota=16',
    '--total-quota=64',
  ];
  if (options.productionConfig !== undefined) {
    const configFile = join(dir, 'turnserver.conf');
    writeFileSync(
      configFile,
      adaptProductionConfig(options.productionConfig, { port, secret, realm, dir }),
    );
    args.splice(0, args.length, '-c', configFile);
  }
  const child: ChildProcess = spawn(TURNSERVER, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const watchdog = setTimeout(() => child.kill('SIGKILL'), WATCHDOG_MS);
  watchdog.unref();
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= new Promise<void>((resolve) => {
      clearTimeout(watchdog);
      process.off('exit', killOnExit);
      const done = () => {
        rmSync(dir, { recursive: true, force: true });
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) {
        done();
        return;
      }
      const force = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(force);
        done();
      });
      child.kill('SIGTERM');
    });
    return stopped;
  };

  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt += 1) {
    if (child.exitCode !== null) {
      break;
    }
    try {
      await transact(port, bindingRequest());
      return {
        port,
        secret,
        realm,
        urls: [`turn:127.0.0.1:${port}?transport=udp`, `turn:127.0.0.1:${port}?transport=tcp`],
        log: readLog,
        stop,
      };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, READY_INTERVAL_MS));
    }
  }
  const log = readLog();
  await stop();
  throw new Error(`coturn did not answer on 127.0.0.1:${port}:\n${stderr}\n${log.slice(-2000)}`);
}

/** A coturn that a test file starts before its tests and stops after them. */
export interface CoturnForFile {
  /** The running coturn; throws when `beforeAll` could not start it. */
  readonly current: () => TestCoturn;
  /** Makes a coturn the test started itself (after stopping this one) the one `afterAll` stops. */
  readonly adopt: (restarted: TestCoturn) => void;
}

/**
 * Starts coturn in `beforeAll` and stops it in `afterAll`. Call it before `useHarness`
 * so bb-signal can be configured with `current().urls` and `current().secret`.
 */
export function useCoturn(options: CoturnOptions = {}): CoturnForFile {
  let running: TestCoturn | undefined;
  beforeAll(async () => {
    running = await startCoturn(options);
  });
  afterAll(async () => {
    await running?.stop();
  });
  const current = (): TestCoturn => {
    if (running === undefined) {
      throw new Error('coturn did not start; see beforeAll');
    }
    return running;
  };
  return {
    current,
    adopt(restarted) {
      running = restarted;
    },
  };
}
