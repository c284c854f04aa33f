import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BbError } from '@bilateral-base/core/errors';
import { isTurnUrl } from '@bilateral-base/core/protocol';
import type { FastifyInstance } from 'fastify';
import {
  parseSignalOptions,
  SignalConfigError,
  type SignalConfig,
  type SignalServerOptions,
} from './config/options.js';
import { AccountService } from './accounts/account-service.js';
import { LoginThrottle } from './accounts/login-throttle.js';
import { ScryptHasher } from './accounts/password-hasher.js';
import { TicketSigner } from './crypto/tickets.js';
import { buildHttpApp } from './http/app.js';
import { isLoopbackHost } from './http/session-cookie.js';
import { createLoggers, type SignalLoggers } from './logging.js';
import { OriginPolicy } from './origin-policy.js';
import { MemoryRelay } from './socket/relay.js';
import { MemorySessionSlots } from './socket/session-slots.js';
import { SignalSocketServer } from './socket/socket-server.js';
import { AccountStore } from './storage/account-store.js';
import { SqliteRoomRegistry } from './storage/sqlite-room-registry.js';
import { SqliteSlotBindings } from './storage/sqlite-slot-bindings.js';

/** A running bb-signal. */
export interface SignalServer {
  /** Base URL of the HTTP API, for example `http://127.0.0.1:54321`. */
  readonly url: string;
  readonly host: string;
  /** The port actually bound (useful with `port: 0`). */
  readonly port: number;
  /**
   * Shuts down gracefully: stops accepting connections, ends every socket with 1001,
   * lets HTTP requests in flight finish for up to `drainTimeoutMs` (then cuts them),
   * and closes the database last. Calling it again returns the same promise.
   */
  close(): Promise<void>;
}

/** OWASP's scrypt recommendation, N=2^17; lower values are for tests. */
const DEFAULT_PASSWORD_HASH_COST = 17;

/** Messages waiting for one absent partner; an offer and its candidates fit easily. */
const MAX_QUEUED_MESSAGES = 64;

/**
 * Starts bb-signal: the PeerJS-compatible WebSocket endpoint at `<path>peerjs` and the
 * HTTP API, on one port.
 *
 * Throws `TypeError` when `options` is not an object and `SignalConfigError`
 * (`BB_ERR_CONFIG_INVALID`) naming each bad value, or when the database cannot be
 * opened or the address cannot be bound.
 */
export async function createSignalServer(options: SignalServerOptions = {}): Promise<SignalServer> {
  const config = parseSignalOptions(options);
  const loggers = createLoggers(config);
  const serverLog = loggers.named('signal:server');
  const secret = ticketSecretBytes(config, loggers);
  const registry = openRegistry(config);
  const origins = new OriginPolicy(config.allowedOrigins);
  const signer = new TicketSigner(secret);
  const slots = new MemorySessionSlots(new SqliteSlotBindings(registry.database));
  const socketLog = loggers.named('signal:socket');
  const relay = new MemoryRelay(
    {
      expireTimeoutMs: config.expireTimeoutMs,
      maxQueuedMessages: MAX_QUEUED_MESSAGES,
      maxQueuedBytes: config.maxFrameBytes * 4,
    },
    socketLog,
  );
  const sockets = new SignalSocketServer({
    config,
    signer,
    peerIdSecret: secret,
    registry,
    slots,
    relay,
    origins,
    log: socketLog,
  });
  const store = new AccountStore(registry.database);
  const accountLog = loggers.named('signal:accounts');
  const accounts = new AccountService({
    store,
    hasher: new ScryptHasher({ N: 2 ** config.passwordHashCost, r: 8, p: 1 }),
    throttle: new LoginThrottle(),
    now: config.now,
    loginIdleMs: config.loginIdleSeconds * 1000,
    loginMaxMs: config.loginMaxSeconds * 1000,
    breachCheck: {
      enabled: config.breachCheckEndpoint !== undefined,
      endpoint: config.breachCheckEndpoint,
      onUnavailable: config.breachCheckOnUnavailable,
    },
    log: accountLog,
  });
  const closeRoom = (roomId: string): number => sockets.closeRoom(roomId);
  const cookie = { secure: !isLoopbackHost(config.host) };
  const app = buildHttpApp({
    maxBodyBytes: config.maxBodyBytes,
    requestsPerMinute: config.requestsPerMinute,
    origins,
    httpLog: loggers.named('signal:http'),
    rooms: {
      apiKeys: config.apiKeys,
      registry,
      now: config.now,
      closeRoom,
      log: loggers.named('signal:rooms'),
    },
    tickets: {
      config,
      signer,
      peerIdSecret: secret,
      registry,
      accounts,
      store,
      origins,
      log: loggers.named('signal:tickets'),
    },
    turn: {
      config,
      signer,
      registry,
      slots,
      log: loggers.named('signal:turn'),
    },
    account: { accounts, store, origins, cookie, closeRoom, log: accountLog },
    profiles: { accounts, store, origins, now: config.now, closeRoom, log: accountLog },
  });
  app.server.on('upgrade', sockets.onUpgrade);
  let shuttingDown = false;
  // A request that finishes during the drain must not leave its connection kept alive:
  // Node closes only the connections that are idle when the listener stops.
  app.addHook('onSend', async (_request, reply) => {
    if (shuttingDown) {
      reply.header('connection', 'close');
    }
  });

  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (cause) {
    await sockets.close();
    await app.close();
    await registry.close();
    throw new SignalConfigError([
      { path: 'port', message: `cannot listen on this host and port (${errorCode(cause)})` },
    ]);
  }

  // The dummy hash for unknown emails is made now, so the first such login costs the
  // same one scrypt run as every later one.
  await accounts.prepare();
  const { port } = app.server.address() as AddressInfo;
  warnAboutGaps(config, loggers);
  serverLog.info({ port }, 'listening');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const started = performance.now();
      serverLog.info(
        { sockets: sockets.liveSockets, drainTimeoutMs: config.drainTimeoutMs },
        'shutting down',
      );
      // Upgrades are refused first, then the listener stops, so nothing new arrives while
      // the sockets are told to go; requests already running carry on.
      shuttingDown = true;
      sockets.stopAccepting();
      const httpClosed = app.close().catch((error: unknown) => {
        serverLog.error({ err: { type: errorCode(error) } }, 'HTTP server failed to close');
      });
      await sockets.close(config.drainTimeoutMs);
      const left = config.drainTimeoutMs - (performance.now() - started);
      if (!(await settlesWithin(httpClosed, left))) {
        serverLog.warn('requests still running after drainTimeoutMs were cut');
        app.server.closeAllConnections();
        await httpClosed;
      }
      await registry.close();
      serverLog.info({ ms: Math.round(performance.now() - started) }, 'closed');
    })();
    return closing;
  };
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const server = Object.freeze({
    url: `http://${urlHost}:${port}`,
    host: config.host,
    port,
    close,
  });
  HTTP_APPS.set(server, app);
  return server;
}

/** The Fastify app behind each server, for tests only; not exported from the package. */
const HTTP_APPS = new WeakMap<SignalServer, FastifyInstance>();

/**
 * The HTTP app of a running server, so tests can send requests in process with
 * `app.inject()` (the fuzz tests send hundreds of thousands). Not part of the public API.
 */
export function httpAppOf(server: SignalServer): FastifyInstance {
  const app = HTTP_APPS.get(server);
  if (app === undefined) {
    throw new TypeError('httpAppOf: server was not made by createSignalServer');
  }
  return app;
}

/** True when `promise` settles within `ms`; false (and still running) otherwise. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function ticketSecretBytes(config: SignalConfig, loggers: SignalLoggers): Uint8Array {
  if (config.ticketSecret !== undefined) {
    return Buffer.from(config.ticketSecret, 'base64url');
  }
  loggers
    .named('signal:tickets')
    .warn(
      'no ticketSecret configured: using a random one, so tickets and peer ids ' +
        'will not survive a restart nor work across nodes',
    );
  return randomBytes(32);
}

function openRegistry(config: SignalConfig): SqliteRoomRegistry {
  try {
    return new SqliteRoomRegistry(config.databasePath, config.now());
  } catch (cause) {
    throw new SignalConfigError([
      { path: 'databasePath', message: `cannot be opened (${errorCode(cause)})` },
    ]);
  }
}

function warnAboutGaps(config: SignalConfig, loggers: SignalLoggers): void {
  const log = loggers.named('signal:server');
  if (config.apiKeys.length === 0) {
    log.warn('no apiKeys configured: rooms cannot be registered nor host tickets issued');
  }
  if (config.allowedOrigins.length === 0) {
    log.warn('no allowedOrigins configured: browsers cannot request tickets nor connect');
  }
  if (config.passwordHashCost < DEFAULT_PASSWORD_HASH_COST) {
    log.warn(
      { passwordHashCost: config.passwordHashCost },
      'passwordHashCost is below 17: therapist passwords are cheaper to crack; ' +
        'use it only in tests',
    );
  }
  if (!config.turnUrls.some(isTurnUrl)) {
    log.warn('no TURN configured: calls between networks that block direct paths fail');
  }
}

function errorCode(error: unknown): string {
  if (error instanceof BbError) {
    return error.code;
  }
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return 'unknown error';
}
