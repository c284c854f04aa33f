// The login driver of the signal benchmark: registers therapist accounts on bb-signal
// through its HTTP API, as the practice site's register page does, and logs in with them.
// Driven over IPC by bench/signal/login-phase.mjs. The passwords are made here and never
// leave this process; nothing here prints an email address or a password.
//
// bb-signal's login throttle counts tries per account and per remote address, and counts
// each try as a failure from the moment it starts until its password is found right. So
// each account here logs in from its own loopback source address (127.0.0.10 upward; all
// of 127.0.0.0/8 reaches a server on 127.0.0.1 on Linux) and keeps at most one login in
// flight, like 20 therapists on 20 machines. `burst` shows what one shared address gets.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { serveRequests } from '../lib/rpc.mjs';
import { percentile } from '../lib/stats.mjs';

/** A login that takes longer than this fails the run instead of stalling it. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Account i logs in from 127.0.0.(FIRST_SOURCE_HOST + i). */
const FIRST_SOURCE_HOST = 10;
const MAX_ACCOUNTS = 200;

/** @type {{ email: string, password: string, localAddress: string }[]} */
const accounts = [];

/**
 * One HTTP request on a fresh connection (as `agent: false` makes it), resolved with its
 * status and body. Loopback connects in microseconds, so a new connection per login
 * costs nothing measurable next to the password hash.
 */
function send(port, method, path, { body, origin, localAddress, cookie } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = {};
    if (origin !== undefined) {
      headers.origin = origin;
    }
    if (cookie !== undefined) {
      headers.cookie = cookie;
    }
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    const outgoing = request(
      { host: '127.0.0.1', port, method, path, headers, localAddress, agent: false },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
      outgoing.destroy(new Error(`${method} ${path} took longer than ${REQUEST_TIMEOUT_MS} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** One login with account `index`, timed from request to the last byte of the answer. */
async function login(port, origin, index, localAddress = accounts[index].localAddress) {
  const { email, password } = accounts[index];
  const started = performance.now();
  const { status } = await send(port, 'POST', '/v1/session', {
    body: { email, password },
    origin,
    localAddress,
  });
  return { status, ms: performance.now() - started };
}

function countStatuses(results) {
  const counts = {};
  for (const { status } of results) {
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

function summarise(samples) {
  return {
    count: samples.length,
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    minMs: samples.length === 0 ? Number.NaN : Math.min(...samples),
    maxMs: samples.length === 0 ? Number.NaN : Math.max(...samples),
  };
}

/**
 * Registers `count` accounts, `concurrency` at a time (each registration hashes once),
 * then reads the first account's export to learn the hash parameters the server used.
 */
async function register({ port, origin, count, concurrency }) {
  if (!Number.isInteger(count) || count < 1 || count > MAX_ACCOUNTS) {
    throw new RangeError(`register: count must be an integer from 1 to ${MAX_ACCOUNTS}`);
  }
  const started = performance.now();
  const fresh = Array.from({ length: count }, (_, i) => ({
    email: `bench-${randomBytes(8).toString('hex')}@example.invalid`,
    password: randomBytes(24).toString('base64url'),
    localAddress: `127.0.0.${FIRST_SOURCE_HOST + accounts.length + i}`,
  }));
  let next = 0;
  let firstCookie;
  const worker = async () => {
    while (next < fresh.length) {
      const index = next;
      next += 1;
      const account = fresh[index];
      const answer = await send(port, 'POST', '/v1/account', {
        body: {
          name: `Bench Therapist ${index + 1}`,
          email: account.email,
          password: account.password,
        },
        origin,
        localAddress: account.localAddress,
      });
      if (answer.status !== 201) {
        const code = /"code":"([A-Z_]+)"/.exec(answer.text)?.[1] ?? 'no code';
        throw new Error(`registering an account answered ${answer.status} (${code})`);
      }
      if (index === 0) {
        firstCookie = String(answer.headers['set-cookie']).split(';')[0];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  accounts.push(...fresh);
  const exported = await send(port, 'GET', '/v1/account/export', { cookie: firstCookie });
  if (exported.status !== 200) {
    throw new Error(`the account export answered ${exported.status}`);
  }
  const hashParameters = JSON.parse(exported.text).therapist.passwordHash.parameters;
  return { registered: accounts.length, ms: performance.now() - started, hashParameters };
}

/** `warmup` untimed logins, then `count` timed ones, one after another, with account 0. */
async function loginsAlone({ port, origin, count, warmup }) {
  const results = [];
  for (let i = 0; i < warmup + count; i += 1) {
    const result = await login(port, origin, 0);
    if (i >= warmup) {
      results.push(result);
    }
  }
  const ok = results.filter((result) => result.status === 200).map((result) => result.ms);
  return { statuses: countStatuses(results), samples: ok, ...summarise(ok) };
}

/**
 * `loops` logins at once: loop i logs in with account i and starts its next login as soon
 * as one returns, until `durationMs` has passed or it has started `maxPerLoop`. A loop
 * stops at its first answer other than 200, so a refusal shows in `statuses` instead of
 * turning into a storm of quick refusals. Login times count for logins started from
 * `measureFromMs` to `measureUntilMs` after the start; earlier ones met a queue still
 * filling up, later ones one emptying.
 */
async function loginLoops({
  port,
  origin,
  loops,
  durationMs,
  maxPerLoop,
  measureFromMs,
  measureUntilMs,
}) {
  if (!Number.isInteger(loops) || loops < 1 || loops > accounts.length) {
    throw new RangeError(`loginLoops: loops must be an integer from 1 to ${accounts.length}`);
  }
  const started = performance.now();
  const results = [];
  const loop = async (index) => {
    for (let n = 0; n < maxPerLoop && performance.now() - started < durationMs; n += 1) {
      const startedAt = performance.now() - started;
      const result = await login(port, origin, index);
      results.push({ ...result, startedAt, endedAt: performance.now() - started });
      if (result.status !== 200) {
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: loops }, (_, index) => loop(index)));
  const inWindow = results.filter(
    (result) =>
      result.status === 200 &&
      result.startedAt >= measureFromMs &&
      result.startedAt < measureUntilMs,
  );
  const completedInWindow = results.filter(
    (result) =>
      result.status === 200 && result.endedAt >= measureFromMs && result.endedAt < measureUntilMs,
  ).length;
  const samples = inWindow.map((result) => result.ms);
  return {
    loops,
    statuses: countStatuses(results),
    started: results.length,
    loginsPerSecond: (completedInWindow * 1000) / (measureUntilMs - measureFromMs),
    samples,
    ...summarise(samples),
    ms: performance.now() - started,
  };
}

/**
 * `count` logins started at once from one address (127.0.0.1), each with its own
 * account, as a practice behind one NAT might send them. Only the address's throttle
 * counter is shared, so its answers show how many tries in flight one address may have.
 */
async function burst({ port, origin, count }) {
  if (!Number.isInteger(count) || count < 1 || count > accounts.length) {
    throw new RangeError(`burst: count must be an integer from 1 to ${accounts.length}`);
  }
  const results = await Promise.all(
    Array.from({ length: count }, (_, index) => login(port, origin, index, '127.0.0.1')),
  );
  const ok = results.filter((result) => result.status === 200).map((result) => result.ms);
  return { count, statuses: countStatuses(results), ...summarise(ok) };
}

serveRequests({ register, loginsAlone, loginLoops, burst });
