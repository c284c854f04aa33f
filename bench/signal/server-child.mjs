// One signalling server in its own process, driven by bench/signal/run.mjs over IPC:
// bb-signal through createSignalServer, or PeerServer from the `peer` package, each on
// 127.0.0.1 with a free port. Both are started with the same Node flags
// (`--expose-gc`), so the memory figures are taken the same way: two full collections,
// then the resident set size of this process.
import { join } from 'node:path';
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
    ticketSecret: config.ticketSecret,
    ticketTtlSeconds: 3600,
    sessionMaxSeconds: 7200,
    // The benchmark measures the server, not its abuse limits: every socket comes from
    // 127.0.0.1, relays thousands of messages a second, and idles without heartbeats.
    connectionsPerAddress: 100_000,
    // Registering 5,000 rooms over HTTP from one address is setup, not load.
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
  heapSnapshot({ directory, name }) {
    collectGarbage();
    return writeHeapSnapshot(join(directory, `${name}.heapsnapshot`));
  },
});
