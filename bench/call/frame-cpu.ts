// CPU cost of frame encryption in real Chromium: the same verified SessionCall between two
// pages of one browser, with frame encryption on (the default) and off
// (`frameEncryption: 'off'`, an option for measurements that <bb-session> never sets),
// sending the fake camera's 640x480 at 20 fps and the fake microphone both ways. Once
// video flows, the CPU time of every Chromium process (browser, renderers, utility; from
// CDP `SystemInfo.getProcessInfo`, which counts worker threads too) is read over a fixed
// window. Rounds alternate the order of on and off. Writes bench/results/frame-cpu.json
// and frame-cpu.md.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { SecuritySummary, TicketResponse } from '@bilateral-base/core';
import { launchChromium, openPage } from '../../test/e2e/support/chromium.js';
import { WAIT_MS, expectVideoFlowing, framesDecoded } from '../../test/e2e/support/frames.js';
import type { TestWindow } from '../../test/e2e/support/page-globals.js';
import { startSignal, type TestSignal } from '../../test/e2e/support/signal.js';
import { startStaticServer } from '../../test/e2e/support/static-server.js';
import { median } from '../lib/stats.mjs';
import { describeMachine, machineLine, markdownTable, writeResults } from '../lib/results.mjs';

const ROUNDS = Number(process.env.BB_BENCH_ROUNDS ?? '4');
const WINDOW_S = Number(process.env.BB_BENCH_WINDOW_S ?? '10');
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 20) {
  throw new RangeError('BB_BENCH_ROUNDS must be an integer from 1 to 20');
}
if (!Number.isInteger(WINDOW_S) || WINDOW_S < 2 || WINDOW_S > 60) {
  throw new RangeError('BB_BENCH_WINDOW_S must be an integer from 2 to 60');
}
/** Time after video first flows before the window opens, so set-up is not counted. */
const SETTLE_MS = 3000;

type Mode = 'auto' | 'off';

interface Sample {
  readonly mode: Mode;
  /** CPU seconds of all Chromium processes per wall-clock second (1.0 = one core busy). */
  readonly cores: number;
  /** Remote frames decoded by both pages together during the window. */
  readonly framesDecoded: number;
  readonly frameEncryption: SecuritySummary['frameEncryption'];
}

interface Run {
  readonly browser: Browser;
  readonly cdp: CDPSession;
  readonly signal: TestSignal;
  readonly origin: string;
}

/** Cumulative CPU seconds per Chromium process id. */
async function processCpu(cdp: CDPSession): Promise<Map<number, number>> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
    processInfo: { id: number; cpuTime: number }[];
  };
  return new Map(processInfo.map(({ id, cpuTime }) => [id, cpuTime]));
}

/** CPU seconds spent between two readings by the processes alive at both. */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [id, cpu] of after) {
    const start = before.get(id);
    if (start !== undefined) {
      total += cpu - start;
    }
  }
  return total;
}

async function joinPage(
  run: Run,
  linkUrl: string,
  mode: Mode,
  ticket?: TicketResponse,
): Promise<{ context: BrowserContext; page: Page }> {
  const opened = await openPage(run.browser);
  await opened.page.goto(`${run.origin}/session.html`);
  await opened.page.waitForFunction(() => (window as unknown as TestWindow).bbReady, undefined, {
    timeout: WAIT_MS,
  });
  await opened.page.evaluate(
    async ({ signalUrl, linkUrl, mode, ticket }) => {
      const w = window as unknown as TestWindow;
      const options = { signalUrl, link: linkUrl, frameEncryption: mode };
      w.call = new w.bb.SessionCall(
        ticket === undefined ? options : { ...options, hostTicket: ticket },
      );
      await w.call.join();
    },
    { signalUrl: run.signal.url, linkUrl, mode, ticket },
  );
  return opened;
}

async function measure(run: Run, mode: Mode): Promise<Sample> {
  const link = await run.signal.createLink(`${run.origin}/session.html`);
  const client = await joinPage(run, link.url, mode);
  const host = await joinPage(run, link.url, mode, await run.signal.hostTicket(link.roomId));
  try {
    await expectVideoFlowing(host.page);
    await expectVideoFlowing(client.page);
    await host.page.waitForTimeout(SETTLE_MS);
    const framesBefore = (await framesDecoded(host.page)) + (await framesDecoded(client.page));
    const cpuBefore = await processCpu(run.cdp);
    const started = performance.now();
    await host.page.waitForTimeout(WINDOW_S * 1000);
    const cpuAfter = await processCpu(run.cdp);
    const seconds = (performance.now() - started) / 1000;
    const framesAfter = (await framesDecoded(host.page)) + (await framesDecoded(client.page));
    const summary = await host.page.evaluate(() =>
      (window as unknown as TestWindow).call!.getSecuritySummary(),
    );
    const expected = mode === 'auto' ? 'on' : 'off';
    if (summary.frameEncryption !== expected) {
      throw new Error(`expected frame encryption ${expected}, got ${summary.frameEncryption}`);
    }
    return {
      mode,
      cores: cpuBetween(cpuBefore, cpuAfter) / seconds,
      framesDecoded: framesAfter - framesBefore,
      frameEncryption: summary.frameEncryption,
    };
  } finally {
    await Promise.all([host.context.close(), client.context.close()]);
  }
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const site = await startStaticServer();
  const signal = await startSignal(site.origin);
  const browser = await launchChromium();
  const cdp = await browser.newBrowserCDPSession();
  const run: Run = { browser, cdp, signal, origin: site.origin };
  const samples: Sample[] = [];
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const order: Mode[] = round % 2 === 0 ? ['auto', 'off'] : ['off', 'auto'];
      for (const mode of order) {
        const sample = await measure(run, mode);
        samples.push(sample);
        console.log(
          `round ${round + 1}, frame encryption ${sample.frameEncryption}: ` +
            `${(sample.cores * 100).toFixed(1)} % of one core, ${sample.framesDecoded} frames`,
        );
      }
    }
  } finally {
    await browser.close();
    await signal.close();
    await site.close();
  }

  const of = (mode: Mode) => samples.filter((sample) => sample.mode === mode);
  const on = median(of('auto').map((sample) => sample.cores));
  const off = median(of('off').map((sample) => sample.cores));
  const framesOn = median(of('auto').map((sample) => sample.framesDecoded));
  const summary = {
    onCores: on,
    offCores: off,
    ratio: on / off,
    extraCores: on - off,
    framesPerWindowOn: framesOn,
    framesPerWindowOff: median(of('off').map((sample) => sample.framesDecoded)),
  };
  const percent = (cores: number) => `${(cores * 100).toFixed(1)} %`;
  const table = markdownTable(
    ['two pages in one call, 640x480 20 fps both ways', 'CPU, median', 'video frames decoded'],
    [
      ['frame encryption on (AES-256-GCM, worker)', percent(on), String(framesOn)],
      ['frame encryption off (DTLS-SRTP only)', percent(off), String(summary.framesPerWindowOff)],
      ['ratio on / off', summary.ratio.toFixed(2), ''],
    ],
  );
  const markdown = [
    '## CPU cost of frame encryption in Chromium',
    '',
    `Machine: ${machineLine(machine)}. Command: \`npm run bench:frame-cpu\`. ` +
      `${ROUNDS} rounds of each, order alternating, ${WINDOW_S} s windows; CPU is every ` +
      'Chromium process together, in percent of one core.',
    '',
    table,
  ].join('\n');
  const { markdownPath, jsonPath } = writeResults(
    'frame-cpu',
    { machine, rounds: ROUNDS, windowSeconds: WINDOW_S, summary, samples },
    markdown,
  );
  console.log(`\n${table}\n\nframe CPU benchmark done: ${markdownPath}, ${jsonPath}`);
}

await main();
process.exit(0);
