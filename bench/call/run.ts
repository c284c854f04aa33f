// Call set-up benchmark in real Chromium: from the moment the second participant starts
// joining to the first remote video frame it decodes, for our SDK (SessionCall through
// bb-signal: ticket request with the link's proof, signalling socket with the ticket,
// control channel, fingerprint proof, media call with frame encryption) against raw
// PeerJS through PeerServer (one media call, no verification). A third series runs the
// SDK with `frameEncryption: 'off'` to show what frame encryption itself adds. All run in
// one browser, on loopback, alternating, after one uncounted warm-up call of each.
// Writes bench/results/call.json and call.md.
//
// Run with tsx (bench's own dependency) so it can reuse the browser-test helpers.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { PeerServer } from 'peer';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openPage } from '../../test/e2e/support/chromium.js';
import { WAIT_MS } from '../../test/e2e/support/frames.js';
import type { TestWindow } from '../../test/e2e/support/page-globals.js';
import { startSignal, type TestSignal } from '../../test/e2e/support/signal.js';
import { startStaticServer } from '../../test/e2e/support/static-server.js';
import { median } from '../lib/stats.mjs';
import { describeMachine, machineLine, markdownTable, writeResults } from '../lib/results.mjs';

/** Pause between calls so the previous pages' teardown does not overlap the next call. */
const SETTLE_MS = 1000;
const CALLS = Number(process.env.BB_BENCH_CALLS ?? '10');
if (!Number.isInteger(CALLS) || CALLS < 1 || CALLS > 50) {
  throw new RangeError('BB_BENCH_CALLS must be an integer from 1 to 50');
}

interface CallTiming {
  /** Join started to first decoded remote frame, in the joining page's clock. */
  firstFrameMs: number;
  /** Milestones on the way, in ms after the join started. */
  milestones: Record<string, number>;
}

interface RawPeerWindow {
  peerjs: {
    Peer: new (id: string, options: Record<string, unknown>) => RawPeer;
  };
  __rawMilestones?: Record<string, number>;
}
interface RawPeer {
  on(event: string, listener: (...args: never[]) => void): void;
  call(id: string, stream: MediaStream): { on(event: string, listener: () => void): void };
}

interface Run {
  readonly browser: Browser;
  readonly signal: TestSignal;
  readonly origin: string;
  readonly peerPort: number;
}

async function newPage(run: Run, path: string): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await openPage(run.browser);
  await opened.page.goto(`${run.origin}${path}`);
  await opened.page.waitForFunction(() => (window as unknown as TestWindow).bbReady, undefined, {
    timeout: WAIT_MS,
  });
  return opened;
}

async function firstFrameMs(page: Page): Promise<number> {
  await page.waitForFunction(() => (window as unknown as TestWindow).__bbFirstFrameAt, null, {
    timeout: WAIT_MS,
  });
  return page.evaluate(() => {
    const w = window as unknown as TestWindow;
    return (w.__bbFirstFrameAt ?? Number.NaN) - (w.__bbJoinStartedAt ?? Number.NaN);
  });
}

/**
 * Our SDK: the host waits in the room; the client joins from the link. `frameEncryption`
 * is the SessionCall option (`off` exists for this kind of measurement only).
 */
async function sdkCall(run: Run, frameEncryption: 'auto' | 'off' = 'auto'): Promise<CallTiming> {
  const link = await run.signal.createLink(`${run.origin}/session.html`);
  const hostTicket = await run.signal.hostTicket(link.roomId);
  const host = await newPage(run, '/session.html');
  const client = await newPage(run, '/session.html');
  try {
    await host.page.evaluate(
      async ({ signalUrl, linkUrl, ticket, frameEncryption }) => {
        const w = window as unknown as TestWindow;
        w.call = new w.bb.SessionCall({
          signalUrl,
          link: linkUrl,
          hostTicket: ticket,
          frameEncryption,
        });
        await w.call.join();
      },
      { signalUrl: run.signal.url, linkUrl: link.url, ticket: hostTicket, frameEncryption },
    );
    await host.page.waitForFunction(
      () => (window as unknown as TestWindow).call?.state === 'waiting',
      null,
      { timeout: WAIT_MS },
    );
    await client.page.evaluate(
      ({ signalUrl, linkUrl, frameEncryption }) => {
        const w = window as unknown as TestWindow & { __milestones: Record<string, number> };
        w.__milestones = {};
        w.__bbStartClock();
        const started = w.__bbJoinStartedAt ?? performance.now();
        const call = new w.bb.SessionCall({ signalUrl, link: linkUrl, frameEncryption });
        w.call = call;
        call.on('localstream', () => {
          w.__milestones.localstream = performance.now() - started;
        });
        call.on('statechange', ({ state }) => {
          w.__milestones[state] ??= performance.now() - started;
        });
        call.on('remotestream', () => {
          w.__milestones.remotestream = performance.now() - started;
        });
        void call.join();
      },
      { signalUrl: run.signal.url, linkUrl: link.url, frameEncryption },
    );
    const ms = await firstFrameMs(client.page);
    const milestones = await client.page.evaluate(
      () => (window as unknown as { __milestones: Record<string, number> }).__milestones,
    );
    return { firstFrameMs: ms, milestones };
  } finally {
    await Promise.all([host.context.close(), client.context.close()]);
  }
}

/** Raw PeerJS through PeerServer: the callee waits with its camera; the caller calls it. */
async function rawCall(run: Run): Promise<CallTiming> {
  const callee = await newPage(run, '/stock-peerjs.html');
  const caller = await newPage(run, '/stock-peerjs.html');
  const calleeId = `callee-${randomBytes(8).toString('hex')}`;
  const callerId = `caller-${randomBytes(8).toString('hex')}`;
  const server = { host: '127.0.0.1', port: run.peerPort, path: '/', key: 'peerjs', secure: false };
  try {
    await callee.page.evaluate(
      async ({ id, server }) => {
        const w = window as unknown as RawPeerWindow;
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
        const peer = new w.peerjs.Peer(id, { ...server, config: { iceServers: [] }, debug: 0 });
        peer.on('call', (call: { answer(stream: MediaStream): void }) => call.answer(stream));
        await new Promise<void>((resolve, reject) => {
          peer.on('open', () => resolve());
          peer.on('error', (error: { type?: string }) => reject(new Error(String(error.type))));
        });
      },
      { id: calleeId, server },
    );
    await caller.page.evaluate(
      ({ id, remoteId, server }) => {
        const w = window as unknown as RawPeerWindow & TestWindow;
        const milestones: Record<string, number> = {};
        w.__rawMilestones = milestones;
        w.__bbStartClock();
        const started = w.__bbJoinStartedAt ?? performance.now();
        void navigator.mediaDevices.getUserMedia({ audio: true, video: true }).then((stream) => {
          milestones.localstream = performance.now() - started;
          const peer = new w.peerjs.Peer(id, { ...server, config: { iceServers: [] }, debug: 0 });
          peer.on('open', () => {
            milestones.open = performance.now() - started;
            const call = peer.call(remoteId, stream);
            call.on('stream', () => {
              milestones.remotestream ??= performance.now() - started;
            });
          });
        });
      },
      { id: callerId, remoteId: calleeId, server },
    );
    const ms = await firstFrameMs(caller.page);
    const milestones = await caller.page.evaluate(
      () => (window as unknown as RawPeerWindow).__rawMilestones ?? {},
    );
    return { firstFrameMs: ms, milestones };
  } finally {
    await Promise.all([callee.context.close(), caller.context.close()]);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startPeerServer(): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve) => {
    PeerServer({ host: '127.0.0.1', port: 0, path: '/', key: 'peerjs' }, (server: Server) => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function medianMilestones(timings: readonly CallTiming[]): Record<string, number> {
  const names = new Set(timings.flatMap((timing) => Object.keys(timing.milestones)));
  return Object.fromEntries(
    [...names].map((name) => [
      name,
      median(timings.map((timing) => timing.milestones[name] ?? Number.NaN)),
    ]),
  );
}

function describeMilestones(milestones: Record<string, number>): string {
  return Object.entries(milestones)
    .sort(([, a], [, b]) => a - b)
    .map(([name, ms]) => `${name} ${Math.round(ms)}`)
    .join(', ');
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const site = await startStaticServer();
  const signal = await startSignal(site.origin);
  const peerServer = await startPeerServer();
  const browser = await launchChromium();
  const run: Run = { browser, signal, origin: site.origin, peerPort: peerServer.port };
  const sdk: CallTiming[] = [];
  const clear: CallTiming[] = [];
  const raw: CallTiming[] = [];
  try {
    await sdkCall(run);
    await sdkCall(run, 'off');
    await rawCall(run);
    for (let i = 0; i < CALLS; i += 1) {
      await sleep(SETTLE_MS);
      sdk.push(await sdkCall(run));
      await sleep(SETTLE_MS);
      clear.push(await sdkCall(run, 'off'));
      await sleep(SETTLE_MS);
      raw.push(await rawCall(run));
      console.log(
        `call ${i + 1}: SDK ${Math.round(sdk.at(-1)!.firstFrameMs)} ms, ` +
          `SDK without frame encryption ${Math.round(clear.at(-1)!.firstFrameMs)} ms, ` +
          `raw PeerJS ${Math.round(raw.at(-1)!.firstFrameMs)} ms`,
      );
    }
  } finally {
    await browser.close();
    await peerServer.close();
    await signal.close();
    await site.close();
  }

  const sdkTimes = sdk.map((timing) => timing.firstFrameMs);
  const clearTimes = clear.map((timing) => timing.firstFrameMs);
  const rawTimes = raw.map((timing) => timing.firstFrameMs);
  const spread = (times: number[]) => ({
    median: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
  });
  const summary = {
    sdk: spread(sdkTimes),
    sdkWithoutFrameEncryption: spread(clearTimes),
    raw: spread(rawTimes),
    ratio: median(sdkTimes) / median(rawTimes),
    frameEncryptionRatio: median(sdkTimes) / median(clearTimes),
    sdkMilestones: medianMilestones(sdk),
    sdkWithoutFrameEncryptionMilestones: medianMilestones(clear),
    rawMilestones: medianMilestones(raw),
  };
  const round = (ms: number) => String(Math.round(ms));
  const table = markdownTable(
    ['join to first remote frame', 'median ms', 'min ms', 'max ms', 'median milestones (ms)'],
    [
      [
        'SDK: SessionCall + bb-signal',
        round(summary.sdk.median),
        round(summary.sdk.min),
        round(summary.sdk.max),
        describeMilestones(summary.sdkMilestones),
      ],
      [
        'SDK with frameEncryption: off',
        round(summary.sdkWithoutFrameEncryption.median),
        round(summary.sdkWithoutFrameEncryption.min),
        round(summary.sdkWithoutFrameEncryption.max),
        describeMilestones(summary.sdkWithoutFrameEncryptionMilestones),
      ],
      [
        'raw PeerJS + PeerServer',
        round(summary.raw.median),
        round(summary.raw.min),
        round(summary.raw.max),
        describeMilestones(summary.rawMilestones),
      ],
      ['ratio SDK / raw (target ≤ 1.25)', summary.ratio.toFixed(2), '', '', ''],
      [
        'ratio SDK / SDK without frame encryption',
        summary.frameEncryptionRatio.toFixed(2),
        '',
        '',
        '',
      ],
    ],
  );
  const markdown = [
    '## Call set-up in Chromium',
    '',
    `Machine: ${machineLine(machine)}. Command: \`npm run bench:call\`. ` +
      `${CALLS} calls of each, alternating SDK / SDK without frame encryption / raw after ` +
      'one uncounted warm-up call of ' +
      'each; loopback only, host candidates, fake camera.',
    '',
    table,
  ].join('\n');
  const { markdownPath, jsonPath } = writeResults(
    'call',
    { machine, calls: CALLS, summary, sdk, sdkWithoutFrameEncryption: clear, raw },
    markdown,
  );
  console.log(`\n${table}\n\ncall benchmark done: ${markdownPath}, ${jsonPath}`);
}

await main();
// PeerServer starts interval timers that its API cannot stop, so the process would
// otherwise stay alive after every server and the browser have closed.
process.exit(0);
