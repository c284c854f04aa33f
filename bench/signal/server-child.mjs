// One signalling server in its own process, driven by bench/signal/run.mjs over IPC:
// bb-signal through createSignalServer, or PeerServer from the `peer` package, each on
// 127.0.0.1 with a free port. Both are started with the same Node flags
// (`--expose-gc`), so the memory figures are taken the same way: two full collections,
// then the resident set size of this process.
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { serveRequests } from '../lib/rpc.mjs';

// Each process loads only the server it runs, so neither baseline carries the other's code.
async function startBbSignal(config) {
  const { createSignalServer } = await import('@bilateral-base/signal-node');
  const server = await createSignalServer({
    host: '127.0.0.1',
    port: 0,
    databasePath: config.databasePath,
    apiKeys: [config.apiKey],
    // The login phase registers and logs in therapists, whose requests must carry a listed
    // Origin. The relay sockets send none, so this changes nothing for them.
    allowedOrigins: [config.browserOrigin],
    ticketSecret: config.ticketSecret,
    ticketTtlSeconds: 3600,
    sessionMaxSeconds: 7200,
    // The benchmark measures the server, not its abuse limits: every socket comes from
    // 127.0.0.1, relays thousands of messages a second, and idles without heartbeats.
    connectionsPerAddress: 100_000,
    // Registering 5,000 rooms over HTTP from one address is setup, not load. The login
    // throttle has no option: the login phase keeps within it instead (login-client.mjs).
    requestsPerMinute: 1_000_000,
    messagesPerSecond: 10_000,
    messageBurst: 100_000,
    heartbeatTimeoutMs: 3_600_000,
    logLevel: 'silent',
  });
  return server.port;
}

async function startPeerServer() {
  const { PeerServer } = await import('peer');
  return new Promise((resolve, reject) => {
    const app = PeerServer(
      {
        host: '127.0.0.1',
        port: 0,
        path: '/',
        key: 'peerjs',
        // Its defaults cap clients at 5,000 and drop sockets silent for 90 s; raised
        // for the same reason as bb-signal's limits.
        concurrent_limit: 1_000_000,
        alive_timeout: 3_600_000,
      },
      (server) => resolve(server.address().port),
    );
    app.on('error', reject);
  });
}

/**
 * Timer lateness on this process's event loop, sampled every LOOP_DELAY_RESOLUTION_MS.
 * Node's histogram records the whole interval, so the resolution is taken off again.
 */
const LOOP_DELAY_RESOLUTION_MS = 10;
let loopDelay;

function lateness(nanoseconds) {
  return Math.max(0, nanoseconds / 1e6 - LOOP_DELAY_RESOLUTION_MS);
}

function collectGarbage() {
  if (typeof globalThis.gc !== 'function') {
    throw new Error('start this process with --expose-gc');
  }
  globalThis.gc();
  globalThis.gc();
}

serveRequests({
  async start({ kind, config }) {
    const port = kind === 'bb-signal' ? await startBbSignal(config) : await startPeerServer();
    return { port, pid: process.pid };
  },
  memory() {
    collectGarbage();
    const usage = process.memoryUsage();
    return { rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external };
  },
  cpu() {
    return process.cpuUsage();
  },
  /** The most this process has ever held resident, in bytes (getrusage's ru_maxrss). */
  peakMemory() {
    return { maxRss: process.resourceUsage().maxRSS * 1024 };
  },
  loopDelayStart() {
    loopDelay?.disable();
    loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
    loopDelay.enable();
    return true;
  },
  loopDelayStop() {
    if (loopDelay === undefined) {
      throw new Error('loopDelayStop without loopDelayStart');
    }
    loopDelay.disable();
    const result = {
      samples: loopDelay.count,
      p50Ms: lateness(loopDelay.percentile(50)),
      p99Ms: lateness(loopDelay.percentile(99)),
      maxMs: lateness(loopDelay.max),
    };
    loopDelay = undefined;
    return result;
  },
  heapSnapshot({ directory, name }) {
    collectGarbage();
    return writeHeapSnapshot(join(directory, `${name}.heapsnapshot`));
  },
});
