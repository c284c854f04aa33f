import { Agent, request as httpRequest } from 'node:http';
import { isErrorCode } from '@bilateral-base/core/errors';
import {
  ChangePasswordRequestSchema,
  CreateLinkRequestSchema,
  DeleteAccountRequestSchema,
  LoginRequestSchema,
  ProfileRequestSchema,
  RegisterRequestSchema,
} from '@bilateral-base/core/accounts';
import {
  ErrorResponseSchema,
  RegisterRoomRequestSchema,
  TicketRequestSchema,
} from '@bilateral-base/core/protocol';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { SignalServer } from '../src/index.js';
import { httpAppOf } from '../src/server.js';
import { Browser, removeTempDirs, startAccountServer } from './account-helpers.js';
import { mutate, mutation, rawText } from './fuzz-arbitraries.js';
import {
  FUZZ_SCALE,
  FUZZ_SEED,
  FUZZ_TIMEOUT_MS,
  keepRelaying,
  cpuMillis,
  MIB,
  progressReporter,
  report,
  watchEscapes,
  watchMemory,
} from './fuzz-support.js';
import {
  API_KEY,
  closeAll,
  expectHonestPairWorks,
  hostTicket,
  ORIGIN,
  registerRoom,
  type Ticket,
} from './helpers.js';

/**
 * Every HTTP route that takes a body, fed valid bodies, mutated bodies, text that is not
 * JSON, deep nesting, prototype-pollution keys, wrong content types and oversized
 * bodies, to a real bb-signal: most in process through Fastify's `inject()` (the full
 * request pipeline without a socket, to reach 100,000 cases on two cores), one in ten
 * over a real keep-alive connection. Every answer must be JSON, below
 * 500, and every error an ErrorResponse with a registered code; bodies that are not
 * JSON or do not match their schema get exactly 400 `BB_ERR_BAD_REQUEST`.
 */

const CASES = Math.round(50_000 * FUZZ_SCALE);
const MAX_BODY_BYTES = 4096;
const CONCURRENCY = 16;

interface Context {
  readonly cookie: string;
  readonly profileId: string;
  readonly roomId: string;
  readonly ticket: Ticket;
}

interface RouteSpec {
  readonly name: string;
  readonly method: 'POST' | 'PATCH' | 'DELETE';
  path(context: Context): string;
  headers(context: Context): Record<string, string>;
  /** The route's schema; undefined for a route that reads no body. */
  readonly schema: { safeParse(value: unknown): { success: boolean } } | undefined;
  readonly valid: fc.Arbitrary<unknown>;
}

const roomId = fc.stringMatching(/^[A-Za-z0-9_-]{22}$/);
const base64Url32 = fc.stringMatching(/^[A-Za-z0-9_-]{43}$/);
const email = fc.stringMatching(/^[a-z0-9.]{1,20}@[a-z0-9.]{1,20}$/);
const password = fc.string({ minLength: 1, maxLength: 80 });
const linkBody = fc.record({ roomId, proofHash: base64Url32 });

const apiKey = () => ({ authorization: `Bearer ${API_KEY}` });
const browser = (context: Context) => ({ origin: ORIGIN, cookie: `bb_session=${context.cookie}` });

const ROUTES: readonly RouteSpec[] = [
  {
    name: 'register room',
    method: 'POST',
    path: () => '/v1/rooms',
    headers: apiKey,
    schema: RegisterRoomRequestSchema,
    valid: fc.record({ roomId, proofHash: base64Url32 }),
  },
  {
    name: 'ticket',
    method: 'POST',
    path: () => '/v1/tickets',
    headers: () => ({ ...apiKey(), origin: ORIGIN }),
    schema: TicketRequestSchema,
    valid: fc.oneof(
      fc.record({ role: fc.constant('client'), roomId, proof: base64Url32 }),
      fc.record({ role: fc.constant('host'), roomId }),
    ),
  },
  {
    name: 'turn credentials',
    method: 'POST',
    path: () => '/v1/turn-credentials',
    headers: (context) => ({ authorization: `Bearer ${context.ticket.ticket}`, origin: ORIGIN }),
    schema: undefined,
    valid: fc.constant({}),
  },
  {
    name: 'register account',
    method: 'POST',
    path: () => '/v1/account',
    headers: () => ({ origin: ORIGIN }),
    schema: RegisterRequestSchema,
    valid: fc.record({ name: fc.string({ minLength: 1, maxLength: 40 }), email, password }),
  },
  {
    name: 'log in',
    method: 'POST',
    path: () => '/v1/session',
    headers: () => ({ origin: ORIGIN }),
    schema: LoginRequestSchema,
    valid: fc.record({ email, password }),
  },
  {
    name: 'change password',
    method: 'POST',
    path: () => '/v1/account/password',
    headers: browser,
    schema: ChangePasswordRequestSchema,
    valid: fc.record({ currentPassword: password, newPassword: password }),
  },
  {
    name: 'delete account',
    method: 'DELETE',
    path: () => '/v1/account',
    headers: browser,
    schema: DeleteAccountRequestSchema,
    valid: fc.record({ password }),
  },
  {
    name: 'create profile',
    method: 'POST',
    path: () => '/v1/profiles',
    headers: browser,
    schema: ProfileRequestSchema,
    valid: fc.record({ confidentialId: fc.string({ minLength: 1, maxLength: 70 }) }),
  },
  {
    name: 'rename profile',
    method: 'PATCH',
    path: (context) => `/v1/profiles/${context.profileId}`,
    headers: browser,
    schema: ProfileRequestSchema,
    valid: fc.record({ confidentialId: fc.string({ minLength: 1, maxLength: 70 }) }),
  },
  {
    name: 'create link',
    method: 'POST',
    path: (context) => `/v1/profiles/${context.profileId}/links`,
    headers: browser,
    schema: CreateLinkRequestSchema,
    valid: linkBody,
  },
  {
    name: 'rotate link',
    method: 'POST',
    path: (context) => `/v1/links/${context.roomId}/rotate`,
    headers: browser,
    schema: CreateLinkRequestSchema,
    valid: linkBody,
  },
];

type Body =
  | { readonly kind: 'json'; readonly text: string; readonly contentType: string }
  | { readonly kind: 'odd-type'; readonly text: string; readonly contentType: string | undefined }
  | { readonly kind: 'oversized'; readonly text: string };

interface HttpCase {
  readonly route: number;
  readonly body: Body;
}

const jsonType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
);
const oddType = fc.constantFrom(
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/octet-stream',
  '',
);

function bodiesFor(route: RouteSpec): fc.Arbitrary<Body> {
  const asJson = (text: fc.Arbitrary<string>) =>
    fc.tuple(text, jsonType).map(([body, contentType]): Body => ({
      kind: 'json',
      text: body,
      contentType,
    }));
  return fc.oneof(
    { weight: 3, arbitrary: asJson(route.valid.map((value) => JSON.stringify(value))) },
    {
      weight: 8,
      arbitrary: asJson(
        fc
          .tuple(route.valid, mutation)
          .map(([value, change]) => JSON.stringify(mutate(value, change)) ?? 'null'),
      ),
    },
    { weight: 4, arbitrary: asJson(rawText(route.valid, MAX_BODY_BYTES)) },
    {
      weight: 1,
      arbitrary: fc.tuple(route.valid, oddType).map(([value, contentType]): Body => ({
        kind: 'odd-type',
        text: JSON.stringify(value),
        contentType,
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: MAX_BODY_BYTES + 1, max: MAX_BODY_BYTES * 3 })
        .map((length): Body => ({ kind: 'oversized', text: `{"x":"${'x'.repeat(length)}"}` })),
    },
  );
}

const httpCase: fc.Arbitrary<HttpCase> = fc.oneof(
  ...ROUTES.map((route, index) =>
    bodiesFor(route).map((body): HttpCase => ({ route: index, body })),
  ),
);

interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

/** One request in process, through the app's whole pipeline but no socket. */
async function inject(
  app: FastifyInstance,
  method: 'POST' | 'PATCH' | 'DELETE',
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<Answer> {
  const response = await app.inject({ method, url: path, headers, payload: body });
  const contentType = response.headers['content-type'];
  return {
    status: response.statusCode,
    contentType: typeof contentType === 'string' ? contentType : undefined,
    text: response.body,
  };
}

/** One request over a real connection. */
function send(
  server: SignalServer,
  agent: Agent,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL(path, server.url),
      { method, headers: { ...headers, 'content-length': String(body.length) }, agent },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'],
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    request.setTimeout(10_000, () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    request.end(body);
  });
}

/** What the answer must be, by the API's rules (README, HTTP API). */
function check(spec: RouteSpec, body: Body, wire: Buffer, answer: Answer): string | undefined {
  if (answer.status >= 500) return `server error ${answer.status}`;
  if (answer.status === 204) return undefined;
  if (!answer.contentType?.startsWith('application/json')) return 'answer is not JSON';
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    return 'answer does not parse';
  }
  if (answer.status >= 400) {
    const parsed = ErrorResponseSchema.safeParse(json);
    if (!parsed.success || !isErrorCode(parsed.data.error.code)) return 'not an ErrorResponse';
  }
  const code = (json as { error?: { code?: string } }).error?.code;
  const expect = (status: number, wanted: string) =>
    answer.status === status && code === wanted ? undefined : `wanted ${status} ${wanted}`;
  if (wire.length > MAX_BODY_BYTES) return expect(413, 'BB_ERR_PAYLOAD_TOO_LARGE');
  if (body.kind === 'odd-type') {
    // No content type with a body, or a type no parser takes: 415; never a success.
    return answer.status === 415 && code === 'BB_ERR_BAD_REQUEST' ? undefined : 'wanted 415';
  }
  let value: unknown;
  try {
    value = JSON.parse(wire.toString('utf8'));
  } catch {
    return expect(400, 'BB_ERR_BAD_REQUEST');
  }
  if (spec.schema !== undefined && !spec.schema.safeParse(value).success) {
    return expect(400, 'BB_ERR_BAD_REQUEST');
  }
  return undefined;
}

describe('fuzz: HTTP bodies', () => {
  let server: SignalServer;
  let context: Context;
  beforeAll(async () => {
    server = await startAccountServer({
      maxBodyBytes: MAX_BODY_BYTES,
      requestsPerMinute: 1_000_000,
    });
    const therapist = new Browser(server);
    await therapist.register('Fuzz Therapist', 'fuzz@example.org');
    const profileId = await therapist.createProfile('F-001');
    const link = await therapist.createLink(profileId);
    const room = await registerRoom(server);
    context = {
      cookie: therapist.cookie ?? '',
      profileId,
      roomId: link.roomId,
      ticket: await hostTicket(server, room),
    };
  });
  afterAll(async () => {
    await closeAll();
    removeTempDirs();
  });

  it(
    `answers ${CASES} hostile bodies on ${ROUTES.length} routes with coded errors`,
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const escapes = watchEscapes();
      const memory = watchMemory();
      const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const app = httpAppOf(server);
      const honest = keepRelaying(server, 100);
      const started = performance.now();
      const cpuAtStart = process.cpuUsage();
      const progress = progressReporter('http', FUZZ_SEED, memory);
      const statuses: Record<string, number> = {};
      const failures: string[] = [];
      let done = 0;
      try {
        for (let round = 0; done < CASES; round += 1) {
          const cases = fc.sample(httpCase, {
            numRuns: Math.min(2000, CASES - done),
            seed: FUZZ_SEED + round,
          });
          let next = 0;
          const worker = async (): Promise<void> => {
            while (next < cases.length && failures.length < 5) {
              const { route, body } = cases[next] as HttpCase;
              next += 1;
              const spec = ROUTES[route] as RouteSpec;
              const wire = Buffer.from(body.text, 'utf8');
              const headers = { ...spec.headers(context) };
              const contentType = body.kind === 'oversized' ? 'application/json' : body.contentType;
              if (contentType !== undefined) headers['content-type'] = contentType;
              const path = spec.path(context);
              const answer =
                next % 10 === 0
                  ? await send(server, agent, spec.method, path, headers, wire)
                  : await inject(app, spec.method, path, headers, wire);
              const key = `${spec.name} ${answer.status}`;
              statuses[key] = (statuses[key] ?? 0) + 1;
              const problem = check(spec, body, wire, answer);
              if (problem !== undefined) {
                failures.push(
                  `${spec.method} ${spec.name} (${body.kind}, ${String(contentType)}): ` +
                    `${problem}; got ${answer.status} ${answer.text.slice(0, 200)}; ` +
                    `body ${body.text.slice(0, 200)}`,
                );
              }
            }
          };
          await Promise.all(Array.from({ length: CONCURRENCY }, worker));
          done += cases.length;
          progress(done);
          if (failures.length > 0) break;
        }
      } finally {
        await honest.stop();
        agent.destroy();
        memory.stop();
        escapes.stop();
      }
      expect(failures, `replay with BB_FUZZ_SEED=${FUZZ_SEED}`).toEqual([]);
      const ms = performance.now() - started;
      const growth = memory.growth();
      report({
        name: 'http',
        cases: done,
        ms: Math.round(ms),
        cpuMs: Math.round(cpuMillis(process.cpuUsage(cpuAtStart))),
        seed: FUZZ_SEED,
        peakRssBytes: memory.peakRss,
        peakHeapBytes: memory.peakHeap,
        heapGrowthBytes: growth,
        statuses,
        honestRoundTrips: honest.state.roundTrips,
      });
      expect(escapes.escaped).toEqual([]);
      expect(done).toBe(CASES);
      // Each route was reached with bodies it refused and, for most, one it took.
      for (const spec of ROUTES) {
        expect(statuses[`${spec.name} 400`] ?? 0, spec.name).toBeGreaterThan(0);
      }
      expect(honest.state.roundTrips).toBeGreaterThan(0);
      expect(growth).toBeLessThan(64 * MIB);
      await expectHonestPairWorks(server);
    },
  );
});
