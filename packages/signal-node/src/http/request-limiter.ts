import { performance } from 'node:perf_hooks';
import type { FastifyInstance } from 'fastify';
import { addressKey } from '../socket/address-limiter.js';
import { TokenBucket } from '../socket/token-bucket.js';
import { sendError } from './http-error.js';

/** Buckets untouched this long are full again, so forgetting them changes nothing. */
const IDLE_MS = 60_000;
const SWEEP_INTERVAL_MS = 60_000;

interface AddressBucket {
  readonly bucket: TokenBucket;
  lastUsed: number;
}

/**
 * Limits API requests per remote address: `requestsPerMinute` sustained, the same number
 * at once. Proofs and API keys are far too long to guess, so this is about load, not
 * secrecy: one address cannot make the server hash and sign without end.
 *
 * Addresses live only in this process's memory, only while they keep sending, and are
 * never logged or stored. `/healthz` is not limited, so a load balancer's probes never
 * fail because of a client's traffic. Behind a reverse proxy every request comes from the
 * proxy's address; set the limit with that in mind (docs/self-hosting.md).
 */
export function registerRequestLimiter(
  app: FastifyInstance,
  requestsPerMinute: number,
  clock: () => number = () => performance.now(),
): void {
  const buckets = new Map<string, AddressBucket>();
  const sweeper = setInterval(() => {
    const now = clock();
    for (const [address, entry] of buckets) {
      if (now - entry.lastUsed > IDLE_MS) {
        buckets.delete(address);
      }
    }
  }, SWEEP_INTERVAL_MS);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));

  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz') {
      return;
    }
    const address = addressKey(request.socket.remoteAddress ?? 'unknown');
    let entry = buckets.get(address);
    if (entry === undefined) {
      entry = {
        bucket: new TokenBucket(requestsPerMinute / 60, requestsPerMinute, clock),
        lastUsed: 0,
      };
      buckets.set(address, entry);
    }
    entry.lastUsed = clock();
    if (!entry.bucket.take()) {
      reply.header('retry-after', String(Math.ceil(60 / requestsPerMinute)));
      return sendError(reply, 429, 'BB_ERR_RATE_LIMITED', 'Too many requests; retry shortly');
    }
  });
}
