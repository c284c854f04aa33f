import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBbError } from '@bilateral-base/core/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/run-cli.js';
import { readCliRequest } from '../src/cli/cli-options.js';
import {
  OPTION_SPECS,
  SignalConfigError,
  createSignalServer,
  parseSignalOptions,
  type SignalServer,
  type SignalServerOptions,
} from '../src/index.js';
import { API_KEY, call } from './helpers.js';

function issuesOf(options: unknown): string[] {
  try {
    parseSignalOptions(options as SignalServerOptions);
  } catch (error) {
    if (error instanceof SignalConfigError) {
      expect(error.code).toBe('BB_ERR_CONFIG_INVALID');
      return error.issues.map((issue) => issue.path);
    }
    throw error;
  }
  return [];
}

function captured() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (text: string) => out.push(text) },
      stderr: { write: (text: string) => err.push(text) },
    },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const started: SignalServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

describe('options', () => {
  it('fill in the documented defaults and are frozen', () => {
    const config = parseSignalOptions({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 9000,
      path: '/',
      peerKey: 'peerjs',
      databasePath: './bb-signal.db',
      apiKeys: [],
      allowedOrigins: [],
      ticketSecret: undefined,
      ticketTtlSeconds: 60,
      sessionMaxSeconds: 21_600,
      maxFrameBytes: 65_536,
      maxBodyBytes: 16_384,
      messagesPerSecond: 50,
      messageBurst: 200,
      connectionsPerAddress: 20,
      heartbeatTimeoutMs: 60_000,
      expireTimeoutMs: 5_000,
      logLevel: 'info',
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.apiKeys)).toBe(true);
  });

  it('name each bad value', () => {
    expect(issuesOf({ port: 70000 })).toEqual(['port']);
    expect(issuesOf({ port: 1.5, host: '' })).toEqual(['host', 'port']);
    expect(issuesOf({ path: 'no-slash' })).toEqual(['path']);
    expect(issuesOf({ peerKey: 'has space' })).toEqual(['peerKey']);
    expect(issuesOf({ apiKeys: [API_KEY, 'short'] })).toEqual(['apiKeys[1]']);
    expect(issuesOf({ allowedOrigins: ['http://a.example/path'] })).toEqual(['allowedOrigins[0]']);
    expect(issuesOf({ allowedOrigins: ['http://a.example/'] })).toEqual(['allowedOrigins[0]']);
    expect(issuesOf({ ticketSecret: 'dG9vIHNob3J0' })).toEqual(['ticketSecret']);
    expect(issuesOf({ ticketTtlSeconds: 0 })).toEqual(['ticketTtlSeconds']);
    expect(issuesOf({ sessionMaxSeconds: 100, ticketTtlSeconds: 200 })).toEqual([
      'sessionMaxSeconds',
    ]);
    expect(issuesOf({ maxFrameBytes: 10 })).toEqual(['maxFrameBytes']);
    expect(issuesOf({ maxBodyBytes: '16k' })).toEqual(['maxBodyBytes']);
    expect(issuesOf({ messagesPerSecond: -1 })).toEqual(['messagesPerSecond']);
    expect(issuesOf({ messageBurst: 0 })).toEqual(['messageBurst']);
    expect(issuesOf({ connectionsPerAddress: 0 })).toEqual(['connectionsPerAddress']);
    expect(issuesOf({ heartbeatTimeoutMs: 5 })).toEqual(['heartbeatTimeoutMs']);
    expect(issuesOf({ expireTimeoutMs: 1 })).toEqual(['expireTimeoutMs']);
    expect(issuesOf({ logLevel: 'loud' })).toEqual(['logLevel']);
    expect(issuesOf({ logDestination: {} })).toEqual(['logDestination']);
    expect(issuesOf({ now: 5 })).toEqual(['now']);
    expect(issuesOf({ prot: 9000 })).toEqual(['prot']);
  });

  it('never echo a secret in the message', () => {
    const secret = 'x'.repeat(20);
    try {
      parseSignalOptions({ apiKeys: [secret], ticketSecret: `${secret}!` });
      expect.unreachable();
    } catch (error) {
      expect(isBbError(error, 'BB_ERR_CONFIG_INVALID')).toBe(true);
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('throw TypeError for a non-object', () => {
    expect(() => parseSignalOptions('port=1' as unknown as SignalServerOptions)).toThrow(TypeError);
  });

  it('reject createSignalServer with a bad value before listening', async () => {
    await expect(createSignalServer({ port: -1, logLevel: 'silent' })).rejects.toMatchObject({
      code: 'BB_ERR_CONFIG_INVALID',
      issues: [{ path: 'port' }],
    });
    await expect(
      createSignalServer({
        port: 0,
        databasePath: '/nonexistent-dir/for/sure/x.db',
        logLevel: 'silent',
      }),
    ).rejects.toMatchObject({ code: 'BB_ERR_CONFIG_INVALID', issues: [{ path: 'databasePath' }] });
  });
});

describe('command line', () => {
  it('reads flags and BB_SIGNAL_* variables, flags winning', () => {
    const request = readCliRequest(
      ['--port', '9100', '--api-key', 'k1', '--api-key', 'k2,k3', '--log-level', 'debug'],
      {
        BB_SIGNAL_PORT: '9200',
        BB_SIGNAL_HOST: '0.0.0.0',
        BB_SIGNAL_ALLOWED_ORIGINS: 'http://a.example, http://b.example',
        BB_SIGNAL_API_KEYS: 'ignored',
        BB_SIGNAL_TICKET_TTL_SECONDS: '30',
      },
    );
    expect(request).toEqual({
      kind: 'run',
      options: {
        host: '0.0.0.0',
        port: 9100,
        apiKeys: ['k1', 'k2', 'k3'],
        allowedOrigins: ['http://a.example', 'http://b.example'],
        ticketTtlSeconds: 30,
        logLevel: 'debug',
      },
    });
  });

  it('has a flag and a variable for every option', () => {
    const flags = new Set(OPTION_SPECS.map((spec) => spec.flag));
    const envs = new Set(OPTION_SPECS.map((spec) => spec.env));
    expect(flags.size).toBe(OPTION_SPECS.length);
    expect(envs.size).toBe(OPTION_SPECS.length);
    const optionNames = Object.keys(parseSignalOptions({})).filter(
      (name) => name !== 'logDestination' && name !== 'now',
    );
    expect(OPTION_SPECS.map((spec) => spec.name).sort()).toEqual(optionNames.sort());
  });

  it('--help lists every option and exits 0', async () => {
    const { io, out } = captured();
    expect(await main(['--help'], {}, io)).toEqual({ exitCode: 0 });
    for (const spec of OPTION_SPECS) {
      expect(out()).toContain(spec.flag);
      expect(out()).toContain(spec.env);
      expect(out()).toContain(spec.defaultText);
    }
  });

  it('names each bad value with its flag and variable and exits 2', async () => {
    const { io, err } = captured();
    const outcome = await main(['--port', 'abc'], { BB_SIGNAL_LOG_LEVEL: 'loud' }, io);
    expect(outcome).toEqual({ exitCode: 2 });
    expect(err()).toContain('port (--port, BB_SIGNAL_PORT)');
    expect(err()).toContain('logLevel (--log-level, BB_SIGNAL_LOG_LEVEL)');
    const unknown = captured();
    expect(await main(['--prot', '1'], {}, unknown.io)).toEqual({ exitCode: 2 });
    expect(unknown.err()).toContain('--prot');
  });

  it('starts a server and prints its URL', async () => {
    const { io, out } = captured();
    const outcome = await main(
      ['--port', '0', '--database-path', ':memory:', '--log-level', 'silent'],
      { BB_SIGNAL_API_KEYS: API_KEY },
      io,
    );
    if (!('server' in outcome)) throw new Error('no server started');
    started.push(outcome.server);
    expect(out()).toBe(`bb-signal listening on ${outcome.server.url}\n`);
    expect((await call(outcome.server, 'GET', '/healthz')).status).toBe(200);
  });

  // The compiled command exists after `npm run build -w @bilateral-base/signal-node`
  // (which `npm test` runs first); without a build there is nothing to spawn.
  const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  it.skipIf(!existsSync(cli))('runs as a compiled command', () => {
    const help = spawnSync(process.execPath, [cli, '--help'], {
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--allowed-origin');
    const bad = spawnSync(process.execPath, [cli, '--max-frame-bytes', '1'], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: process.env['PATH'] },
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('maxFrameBytes (--max-frame-bytes, BB_SIGNAL_MAX_FRAME_BYTES)');
  });
});
