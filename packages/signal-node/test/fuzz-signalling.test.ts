import { ClientMessageSchema } from '@bilateral-base/core/protocol';
import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, type RawData } from 'ws';
import type { SignalServer } from '../src/index.js';
import { mutate, mutation, rawText, strangeValue } from './fuzz-arbitraries.js';
import {
  FUZZ_FIRST_ROUND,
  FUZZ_SCALE,
  FUZZ_SEED,
  FUZZ_TIMEOUT_MS,
  FUZZ_WAIT_MS,
  keepRelaying,
  cpuMillis,
  MIB,
  progressReporter,
  report,
  watchEscapes,
  watchMemory,
} from './fuzz-support.js';
import {
  clientTicket,
  closeAll,
  expectHonestPairWorks,
  hostTicket,
  ORIGIN,
  registerRoom,
  startServer,
  within,
  wsUrl,
  type Ticket,
} from './helpers.js';

/**
 * Every kind of signalling frame a hostile or broken browser can send, through real
 * sockets to a real bb-signal: each must be relayed exactly, ignored (HEARTBEAT), or
 * end the socket with a close code and, for 1008, an ERROR frame with a stable code.
 * Meanwhile an honest pair in another room keeps relaying, nothing escapes as an
 * uncaught exception, and the heap returns to where it started.
 */

const CASES = Math.round(50_000 * FUZZ_SCALE);
const LANES = 6;
const MAX_FRAME_BYTES = 16 * 1024;
/** Cases sent on one socket before the lane checks what arrived. */
const BATCH = 200;
/** Stands for the sender's partner; each lane puts its own partner's id in its place. */
const PARTNER = 'PARTNER-SENTINEL';

const peerId = fc.oneof(
  { weight: 40, arbitrary: fc.constant(PARTNER) },
  { weight: 1, arbitrary: fc.stringMatching(/^(host|client)-[0-9a-f]{32}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);
const text = fc.oneof(
  { weight: 8, arbitrary: fc.string({ maxLength: 120 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 100, max: 2000 }).map((lines) => 'a=x\r\n'.repeat(lines)),
  },
);
const connectionType = fc.constantFrom('media', 'data');
const connectionId = fc.string({ minLength: 1, maxLength: 128 });
const sdp = fc.record(
  { type: fc.constantFrom('offer', 'answer', 'pranswer', 'rollback'), sdp: text },
  { requiredKeys: ['type'] },
);
const extras = {
  metadata: fc.jsonValue({ maxDepth: 3 }),
  label: fc.string({ maxLength: 20 }),
  serialization: fc.constantFrom('binary', 'json', 'raw', 'none'),
  reliable: fc.boolean(),
  browser: fc.string({ maxLength: 10 }),
};
const offer = fc.record({
  type: fc.constant('OFFER'),
  dst: peerId,
  payload: fc.record(
    { sdp, type: connectionType, connectionId, ...extras },
    { requiredKeys: ['sdp', 'type', 'connectionId'] },
  ),
});
const answer = fc.record({
  type: fc.constant('ANSWER'),
  dst: peerId,
  payload: fc.record(
    { sdp, type: connectionType, connectionId, ...extras },
    { requiredKeys: ['sdp', 'type', 'connectionId'] },
  ),
});
const candidate = fc.record({
  type: fc.constant('CANDIDATE'),
  dst: peerId,
  payload: fc.record(
    {
      candidate: fc.record(
        {
          candidate: text,
          sdpMid: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
          sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 16 }), { nil: null }),
          usernameFragment: fc.string({ maxLength: 8 }),
        },
        { requiredKeys: ['candidate'] },
      ),
      type: connectionType,
      connectionId,
    },
    { requiredKeys: ['candidate', 'type', 'connectionId'] },
  ),
});
const leave = fc.record({ type: fc.constant('LEAVE'), dst: peerId });
const heartbeat = fc.constant({ type: 'HEARTBEAT' });
const unknownType = fc.record(
  {
    type: fc.oneof(
      fc.constantFrom('OPEN', 'ERROR', 'ID-TAKEN', 'EXPIRE', 'offer', 'HEARTBEAT ', ''),
      fc.string({ maxLength: 12 }),
      strangeValue,
    ),
    dst: peerId,
    src: peerId,
    payload: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: ['type'] },
);
const message = fc.oneof(heartbeat, offer, answer, candidate, leave);

type FuzzCase =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: Buffer }
  | { readonly kind: 'bad-utf8'; readonly bytes: Buffer };

// Most frames are valid or mutated in ways the loose PeerJS shapes allow, so they
// travel on the same socket; one in six or so ends it, and the lane reconnects.
const fuzzCase: fc.Arbitrary<FuzzCase> = fc
  .oneof(
    { weight: 150, arbitrary: message.map((value) => JSON.stringify(value)) },
    {
      weight: 20,
      arbitrary: fc
        .tuple(message, mutation)
        .map(([value, change]) => JSON.stringify(mutate(value, change)) ?? 'undefined'),
    },
    { weight: 3, arbitrary: unknownType.map((value) => JSON.stringify(value)) },
    { weight: 8, arbitrary: rawText(message, MAX_FRAME_BYTES) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: MAX_FRAME_BYTES + 1, max: MAX_FRAME_BYTES * 2 })
        .map((length) => `{"type":"HEARTBEAT","x":"${'x'.repeat(length)}"}`),
    },
  )
  .map((value): FuzzCase => ({ kind: 'text', text: value }));
const fuzzFrame: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 200, arbitrary: fuzzCase },
  {
    weight: 1,
    arbitrary: message.map((value): FuzzCase => ({
      kind: 'binary',
      bytes: Buffer.from(JSON.stringify(value)),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ minLength: 1, maxLength: 20 })
      .map((bytes): FuzzCase => ({ kind: 'bad-utf8', bytes: Buffer.from([0xc3, 0x28, ...bytes]) })),
  },
);

type Outcome =
  | { readonly kind: 'relayed'; readonly text: string }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'closed'; readonly code: number; readonly reason?: string };

const invalid = { kind: 'closed', code: 1008, reason: 'BB_ERR_MESSAGE_INVALID' } as const;

/** What bb-signal must do with one frame, by the protocol's rules (README, WebSocket). */
function expected(frame: FuzzCase, senderId: string, partnerId: string): Outcome {
  if (frame.kind === 'binary') return invalid;
  // RFC 6455 section 8.1: a text frame that is not UTF-8 fails the connection, 1007.
  if (frame.kind === 'bad-utf8') return { kind: 'closed', code: 1007 };
  const wire = Buffer.from(frame.text.replaceAll(PARTNER, partnerId), 'utf8');
  if (wire.length > MAX_FRAME_BYTES) return { kind: 'closed', code: 1009 };
  let json: unknown;
  try {
    json = JSON.parse(wire.toString('utf8'));
  } catch {
    return invalid;
  }
  const parsed = ClientMessageSchema.safeParse(json);
  if (!parsed.success) return invalid;
  const value = parsed.data;
  if (value.type === 'HEARTBEAT') return { kind: 'ignored' };
  if (value.dst !== partnerId) {
    return { kind: 'closed', code: 1008, reason: 'BB_ERR_DESTINATION_FORBIDDEN' };
  }
  const relayed =
    'payload' in value
      ? { type: value.type, src: senderId, dst: value.dst, payload: value.payload }
      : { type: value.type, src: senderId, dst: value.dst };
  return { kind: 'relayed', text: JSON.stringify(relayed) };
}

/** A lean socket for the fuzz: frames are consumed as they are checked, not kept. */
class FuzzSocket {
  readonly ws: WebSocket;
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly inbox: string[] = [];
  private wake: (() => void) | undefined;

  constructor(url: string) {
    this.ws = new WebSocket(url, { origin: ORIGIN });
    this.ws.on('message', (data: RawData) => {
      this.inbox.push(data.toString());
      this.wake?.();
    });
    this.ws.on('error', () => {});
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => {
        this.wake?.();
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  /** The next received frame's text, waiting up to FUZZ_WAIT_MS. */
  async next(): Promise<string> {
    const deadline = Date.now() + FUZZ_WAIT_MS;
    while (this.inbox.length === 0) {
      const left = deadline - Date.now();
      if (this.ws.readyState === this.ws.CLOSED) {
        const { code, reason } = await this.closed;
        throw new Error(`the socket closed (${code} ${reason}) before the next frame`);
      }
      if (left <= 0) throw new Error('no frame arrived in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.inbox.shift() as string;
  }

  send(frame: FuzzCase, partnerId: string): void {
    if (frame.kind === 'text') {
      this.ws.send(frame.text.replaceAll(PARTNER, partnerId));
    } else {
      this.ws.send(frame.bytes, { binary: frame.kind === 'binary' });
    }
  }
}

interface Lane {
  readonly sender: Ticket;
  readonly receiver: FuzzSocket;
}

async function openSocket(server: SignalServer, ticket: Ticket): Promise<FuzzSocket> {
  const socket = new FuzzSocket(wsUrl(server, { id: ticket.peerId, token: ticket.ticket }));
  expect(await socket.next()).toBe('{"type":"OPEN"}');
  return socket;
}

interface Tally {
  relayed: number;
  ignored: number;
  closed: number;
  byClose: Record<string, number>;
}

/** Sends `frames` through one lane, checking every outcome; returns the tally. */
async function runLane(server: SignalServer, lane: Lane, frames: FuzzCase[], tally: Tally) {
  const { sender } = lane;
  const partnerId = sender.remotePeerId;
  let socket = await openSocket(server, sender);
  let index = 0;
  while (index < frames.length) {
    const relays: string[] = [];
    let ending: Outcome | undefined;
    for (let sent = 0; sent < BATCH && index < frames.length; sent += 1) {
      const frame = frames[index] as FuzzCase;
      index += 1;
      const outcome = expected(frame, sender.peerId, partnerId);
      socket.send(frame, partnerId);
      if (outcome.kind === 'relayed') {
        relays.push(outcome.text);
        tally.relayed += 1;
      } else if (outcome.kind === 'ignored') {
        tally.ignored += 1;
      } else {
        ending = outcome;
        tally.closed += 1;
        const key = `${outcome.code} ${outcome.reason ?? ''}`.trim();
        tally.byClose[key] = (tally.byClose[key] ?? 0) + 1;
        break;
      }
    }
    // The receiver only listens; like PeerJS it must still send a heartbeat in time.
    lane.receiver.ws.send('{"type":"HEARTBEAT"}');
    for (const relay of relays) {
      // The server writes the same JSON the oracle does; compare parsed only on a mismatch.
      const received = await lane.receiver.next();
      if (received !== relay) expect(JSON.parse(received)).toEqual(JSON.parse(relay));
    }
    if (ending?.kind === 'closed') {
      const last = frames[index - 1] as FuzzCase;
      const shown = last.kind === 'text' ? last.text.slice(0, 300) : last.bytes.toString('hex');
      const closed = await within(
        socket.closed,
        `close ${ending.code} after ${shown}`,
        FUZZ_WAIT_MS,
      );
      expect(closed.code).toBe(ending.code);
      if (ending.reason !== undefined) {
        expect(closed.reason).toBe(ending.reason);
        const notice = JSON.parse(await socket.next()) as unknown;
        expect(notice).toMatchObject({ type: 'ERROR', payload: { code: ending.reason } });
      }
      socket = await openSocket(server, sender);
    }
  }
  socket.ws.close();
  await socket.closed;
}

describe('fuzz: signalling frames over real sockets', () => {
  let server: SignalServer;
  beforeAll(async () => {
    server = await startServer({
      maxFrameBytes: MAX_FRAME_BYTES,
      messagesPerSecond: 10_000,
      messageBurst: 100_000,
      connectionsPerAddress: 1000,
      requestsPerMinute: 100_000,
    });
  });
  afterAll(closeAll);

  it(
    `answers ${CASES} hostile frames exactly while an honest pair relays`,
    { timeout: FUZZ_TIMEOUT_MS },
    async () => {
      const escapes = watchEscapes();
      const memory = watchMemory();
      const started = performance.now();
      const cpuAtStart = process.cpuUsage();
      const progress = progressReporter('signalling', FUZZ_SEED, memory);
      const honest = keepRelaying(server, 100);
      const lanes: Lane[] = [];
      for (let lane = 0; lane < LANES; lane += 1) {
        const room = await registerRoom(server);
        const sender = await hostTicket(server, room);
        lanes.push({
          sender,
          receiver: await openSocket(server, await clientTicket(server, room)),
        });
      }
      const tally: Tally = { relayed: 0, ignored: 0, closed: 0, byClose: {} };
      // Cases are made in chunks so the long run never holds a million frames at once.
      const chunk = 3000;
      // BB_FUZZ_FIRST_ROUND replays a failure from its round without the rounds before it.
      const first = Math.min(CASES, FUZZ_FIRST_ROUND * chunk);
      let done = first;
      try {
        for (let round = FUZZ_FIRST_ROUND; done < CASES; round += 1) {
          const frames = fc.sample(fuzzFrame, {
            numRuns: Math.min(chunk, CASES - done),
            seed: FUZZ_SEED + round,
          });
          const share = Math.ceil(frames.length / LANES);
          await Promise.all(
            lanes.map((lane, index) =>
              runLane(server, lane, frames.slice(index * share, (index + 1) * share), tally),
            ),
          );
          done += frames.length;
          progress(done);
        }
      } catch (error) {
        const round = Math.floor(done / chunk);
        throw new Error(
          `fuzz failed; replay with BB_FUZZ_SEED=${FUZZ_SEED} BB_FUZZ_FIRST_ROUND=${round}`,
          { cause: error },
        );
      } finally {
        await honest.stop();
        memory.stop();
        escapes.stop();
      }
      for (const lane of lanes) {
        lane.receiver.ws.close();
      }
      const ms = performance.now() - started;
      const growth = memory.growth();
      report({
        name: 'signalling',
        cases: done - first,
        ms: Math.round(ms),
        cpuMs: Math.round(cpuMillis(process.cpuUsage(cpuAtStart))),
        seed: FUZZ_SEED,
        peakRssBytes: memory.peakRss,
        peakHeapBytes: memory.peakHeap,
        heapGrowthBytes: growth,
        honestRoundTrips: honest.state.roundTrips,
        ...tally,
      });
      expect(escapes.escaped).toEqual([]);
      expect(done).toBe(CASES);
      // Every kind of outcome happened, so the fuzz reached each path.
      expect(tally.relayed).toBeGreaterThan(0);
      expect(tally.ignored).toBeGreaterThan(0);
      for (const key of [
        '1007',
        '1009',
        '1008 BB_ERR_MESSAGE_INVALID',
        '1008 BB_ERR_DESTINATION_FORBIDDEN',
      ]) {
        expect(tally.byClose[key], key).toBeGreaterThan(0);
      }
      expect(honest.state.roundTrips).toBeGreaterThan(0);
      // Generous: live state after the run (rooms, slots) is a few hundred kilobytes.
      expect(growth).toBeLessThan(64 * MIB);
      await expectHonestPairWorks(server);
    },
  );
});
