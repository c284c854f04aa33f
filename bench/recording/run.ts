// Memory of a long local recording in real Chromium: our encrypted OPFS store
// (@bilateral-base/core/recording, chunks written as they come) against the usual
// baseline that keeps MediaRecorder's chunks in an array until the end. Each variant gets
// its own browser, records the same synthetic source (a canvas of moving noise, so the
// encoder really spends the default 1.5 Mbit/s video + 128 kbit/s audio, plus the fake
// microphone) with a 1 s timeslice, then exports. Reports JS heap (CDP
// Runtime.getHeapUsage after a forced GC) and the private memory (USS) of all the
// browser's processes, before, during and after, and export time and peak memory.
// Writes bench/results/recording.json and recording.md.
//
//   npm run bench:recording                        10 minutes per variant
//   BB_BENCH_RECORDING_MINUTES=2 npm run bench:recording
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../../test/e2e/support/chromium.js';
import type { RecordingTestWindow } from '../../test/e2e/support/recording-page.js';
import { startRecordingSite, type RecordingSite } from '../../test/e2e/support/recording-site.js';
import { describeMachine, machineLine, markdownTable, writeResults } from '../lib/results.mjs';

const MINUTES = Number(process.env.BB_BENCH_RECORDING_MINUTES ?? '10');
if (!Number.isFinite(MINUTES) || MINUTES <= 0 || MINUTES > 120) {
  throw new RangeError('BB_BENCH_RECORDING_MINUTES must be a number from 0 to 120');
}
const SAMPLE_MS = 5_000;
/** Recording time before the reference sample: the encoder and capture have started. */
const WARMUP_MS = 15_000;
const MIME = 'video/webm;codecs=vp8,opus';
const VIDEO_BPS = 1_500_000;
const AUDIO_BPS = 128_000;

type Variant = 'store' | 'array';

interface Sample {
  atSeconds: number;
  heapMB: number;
  privateMB: number;
  privateByTypeMB: Record<string, number>;
}

/**
 * Private memory (USS, from smaps_rollup) of `root` and all its descendants, in
 * MB, in total and by Chromium process type (`browser`, `renderer`, `gpu-process`,
 * `utility`, …), so growth can be traced to the process that holds it: Blob data, for
 * one, lives in the browser process, not in the page's renderer.
 */
function treePrivate(root: number): { total: number; byType: Record<string, number> } {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const byType: Record<string, number> = {};
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      // Private pages only (USS): shared pages' PSS share moves with every other Chromium
      // on the machine, which made PSS swing by 100 MB between samples.
      const privateKb = ['Private_Clean', 'Private_Dirty'].reduce(
        (sum, field) =>
          sum + Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0),
        0,
      );
      const mb = privateKb / 1024;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const type = /--type=([\w-]+)/.exec(cmdline)?.[1] ?? (pid === root ? 'browser' : 'other');
      byType[type] = (byType[type] ?? 0) + mb;
      total += mb;
    } catch {
      // Gone.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return { total, byType };
}

/** The browser process started with `--user-data-dir=<profile>`. */
function browserPid(profile: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.includes(`--user-data-dir=${profile}`) && !cmdline.includes('--type=')) {
        return Number(name);
      }
    } catch {
      // Gone.
    }
  }
  throw new Error(`no Chromium process found for the profile ${profile}`);
}

async function heapMB(cdp: CDPSession, collect: boolean): Promise<number> {
  if (collect) {
    await cdp.send('HeapProfiler.collectGarbage');
  }
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize / 2 ** 20;
}

/** The page-side recorder: a busy canvas plus the fake microphone, into store or array. */
async function startRecording(page: Page, variant: Variant): Promise<void> {
  await page.evaluate(
    async ({ variant, mime, videoBps, audioBps }) => {
      const w = window as unknown as RecordingTestWindow & { __bench: Record<string, unknown> };
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      const context = canvas.getContext('2d')!;
      // Frames of random noise, moved every frame: content the encoder cannot compress
      // away, so the recording runs at its target bitrate as a real camera image would.
      const noise = Array.from({ length: 4 }, () => {
        const frame = new ImageData(640, 480);
        for (let at = 0; at < frame.data.length; at += 65_536) {
          crypto.getRandomValues(frame.data.subarray(at, at + 65_536));
        }
        return frame;
      });
      let tick = 0;
      const paint = setInterval(() => {
        tick += 1;
        context.putImageData(noise[tick % noise.length]!, (tick * 7) % 16, (tick * 3) % 16);
      }, 33);
      const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
      const stream = new MediaStream([
        ...canvas.captureStream(30).getVideoTracks(),
        ...microphone.getAudioTracks(),
      ]);
      const recorder = new MediaRecorder(stream, {
        mimeType: mime,
        videoBitsPerSecond: videoBps,
        audioBitsPerSecond: audioBps,
      });
      const chunks: Blob[] = [];
      const appends: Promise<void>[] = [];
      let bytes = 0;
      let writer:
        Awaited<ReturnType<Awaited<ReturnType<typeof w.__rec.store>>['begin']>> | undefined;
      if (variant === 'store') {
        const store = await w.__rec.store();
        writer = await store.begin({ mimeType: mime });
      }
      recorder.ondataavailable = (event) => {
        bytes += event.data.size;
        if (writer === undefined) {
          chunks.push(event.data);
        } else {
          appends.push(writer.append(event.data));
        }
      };
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      recorder.start(1000);
      w.__bench = { recorder, stream, paint, chunks, appends, stopped, writer, bytes: () => bytes };
    },
    { variant, mime: MIME, videoBps: VIDEO_BPS, audioBps: AUDIO_BPS },
  );
}

/** Stops recording; returns bytes recorded and the recording id (store variant). */
async function stopRecording(page: Page): Promise<{ bytes: number; id: string | undefined }> {
  return page.evaluate(async () => {
    const bench = (window as unknown as { __bench: Record<string, unknown> }).__bench as {
      recorder: MediaRecorder;
      stream: MediaStream;
      paint: number;
      appends: Promise<void>[];
      stopped: Promise<void>;
      writer?: { id: string; finish(): Promise<unknown> };
      bytes(): number;
    };
    bench.recorder.stop();
    await bench.stopped;
    clearInterval(bench.paint);
    bench.stream.getTracks().forEach((track) => track.stop());
    await Promise.all(bench.appends);
    await bench.writer?.finish();
    return { bytes: bench.bytes(), id: bench.writer?.id };
  });
}

/** Exports: the store remuxes to a seekable WebM; the baseline writes its Blob as is. */
async function exportRecording(
  page: Page,
  variant: Variant,
  id: string | undefined,
): Promise<number> {
  return page.evaluate(
    async ({ variant, id }) => {
      const w = window as unknown as RecordingTestWindow & {
        __bench: { chunks: Blob[] };
      };
      const started = performance.now();
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle(`export-${variant}.webm`, { create: true });
      const writable = await handle.createWritable();
      if (variant === 'store') {
        await (await w.__rec.store()).exportTo(id!, writable);
      } else {
        await writable.write(new Blob(w.__bench.chunks, { type: 'video/webm' }));
        await writable.close();
      }
      return performance.now() - started;
    },
    { variant, id },
  );
}

interface VariantResult {
  variant: Variant;
  recordedMB: number;
  bitrateKbps: number;
  before: Sample;
  afterRecording: Sample;
  peakDuringRecording: Sample;
  exportMs: number;
  beforeExport: Sample;
  peakDuringExport: Sample;
  afterExport: Sample;
  /** Every sample taken while recording, for the JSON. */
  timeline: Sample[];
}

async function runVariant(site: RecordingSite, variant: Variant): Promise<VariantResult> {
  // A persistent profile on disk, as a therapist's browser has: Playwright's default
  // contexts are off-the-record, and Chromium keeps an off-the-record origin's private
  // file system and IndexedDB in memory, which would measure the storage, not the code.
  const profile = mkdtempSync(join(tmpdir(), 'bb-bench-recording-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  const pid = browserPid(profile);
  try {
    // tsx compiles this file with esbuild's keepNames, which wraps named functions in a
    // `__name(...)` call; the functions passed to page.evaluate need it in the page too.
    await context.addInitScript({ content: 'window.__name = (fn) => fn;' });
    await context.addInitScript({
      content: (await import('../../test/e2e/support/recording-page.js')).RECORDING_HELPERS,
    });
    const page = await context.newPage();
    await page.goto(`${site.origin}/recording.html`);
    await page.waitForFunction(() => (window as unknown as RecordingTestWindow).bbReady);
    const cdp = await context.newCDPSession(page);
    const started = Date.now();
    const sample = async (collect: boolean): Promise<Sample> => {
      const heap = await heapMB(cdp, collect);
      const memory = treePrivate(pid);
      return {
        atSeconds: (Date.now() - started) / 1000,
        heapMB: heap,
        privateMB: memory.total,
        privateByTypeMB: memory.byType,
      };
    };
    const peak = (a: Sample, b: Sample): Sample =>
      b.privateMB > a.privateMB
        ? { ...b, heapMB: Math.max(a.heapMB, b.heapMB) }
        : { ...a, heapMB: Math.max(a.heapMB, b.heapMB) };
    const timeline: Sample[] = [];

    if (variant === 'store') {
      await page.evaluate(async () => (window as unknown as RecordingTestWindow).__rec.store());
    }
    await startRecording(page, variant);
    await page.waitForTimeout(WARMUP_MS);
    const before = await sample(true);
    let peakRecording = before;
    const end = started + MINUTES * 60_000;
    while (Date.now() < end) {
      await page.waitForTimeout(Math.min(SAMPLE_MS, end - Date.now()));
      const now = await sample(false);
      timeline.push(now);
      peakRecording = peak(peakRecording, now);
      process.stdout.write(
        `\r${variant}: ${((Date.now() - started) / 60_000).toFixed(1)} min, ` +
          `heap ${peakRecording.heapMB.toFixed(1)} MB, private ${peakRecording.privateMB.toFixed(0)} MB   `,
      );
    }
    const afterRecording = await sample(true);
    const { bytes, id } = await stopRecording(page);
    process.stdout.write('\n');

    const beforeExport = await sample(true);
    let peakExport = beforeExport;
    let exporting = true;
    const sampler = (async () => {
      while (exporting) {
        peakExport = peak(peakExport, await sample(false));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const exportMs = await exportRecording(page, variant, id).finally(() => {
      exporting = false;
    });
    await sampler;
    const afterExport = await sample(true);
    return {
      variant,
      recordedMB: bytes / 1e6,
      bitrateKbps: (bytes * 8) / (MINUTES * 60) / 1000,
      before,
      afterRecording,
      peakDuringRecording: peakRecording,
      exportMs,
      beforeExport,
      peakDuringExport: peakExport,
      afterExport,
      timeline,
    };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

async function main(): Promise<void> {
  const machine = describeMachine();
  const site = await startRecordingSite();
  const results: VariantResult[] = [];
  try {
    for (const variant of ['store', 'array'] as const) {
      results.push(await runVariant(site, variant));
    }
  } finally {
    await site.close();
  }
  const [store, array] = results as [VariantResult, VariantResult];
  // Memory swings by tens of MB between samples (capture, encoder, GC), so growth compares
  // the median of the first minute after the warm-up with the median of the last minute.
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  const window = Math.min(60, (MINUTES * 60 - WARMUP_MS / 1000) / 2);
  const growth = (r: VariantResult) => {
    const last = r.timeline.at(-1)?.atSeconds ?? 0;
    const first = r.timeline.filter((s) => s.atSeconds <= r.before.atSeconds + window);
    const final = r.timeline.filter((s) => s.atSeconds >= last - window);
    return {
      heap: r.afterRecording.heapMB - r.before.heapMB,
      pss: median(final.map((s) => s.privateMB)) - median(first.map((s) => s.privateMB)),
      peakPss: r.peakDuringRecording.privateMB - r.before.privateMB,
    };
  };
  const row = (r: VariantResult) => {
    const g = growth(r);
    return [
      r.variant === 'store' ? 'encrypted OPFS store (ours)' : 'chunks kept in an array',
      `${fixed(r.recordedMB)} MB (${fixed(r.bitrateKbps, 0)} kbit/s)`,
      `${fixed(g.heap)} MB`,
      `${fixed(g.pss)} MB`,
      `${fixed(g.peakPss)} MB`,
      `${fixed(r.exportMs / 1000)} s`,
      `${fixed(r.peakDuringExport.privateMB - r.beforeExport.privateMB)} MB`,
      `${fixed(r.peakDuringExport.heapMB)} MB`,
    ];
  };
  const table = markdownTable(
    [
      'variant',
      'recorded',
      'JS heap growth',
      'private memory growth, all processes (median, first vs last minute)',
      'peak private memory over start',
      'export time',
      'peak private memory growth while exporting',
      'peak JS heap while exporting',
    ],
    [row(store), row(array)],
  );
  // The two runs' encoders reach different bitrates on a busy machine, so growth is also
  // given per MB recorded: about 1 for a recording held in memory, about 0 for one that is not.
  const perRecorded = (r: VariantResult) => growth(r).pss / r.recordedMB;
  const ratio =
    `${fixed(perRecorded(array), 2)} MB per MB recorded with the array, ` +
    `${fixed(perRecorded(store), 2)} with the store`;
  const markdown = [
    `Recording of ${MINUTES} min, 640x480 canvas at ${VIDEO_BPS / 1e6} Mbit/s VP8 + ${AUDIO_BPS / 1000} kbit/s Opus, 1 s timeslice.`,
    '',
    table,
    '',
    `Growth is measured from ${WARMUP_MS / 1000} s into the recording (capture and encoder ` +
      'running) to its end; JS heap after a forced GC. Export growth is from just before ' +
      'the export to its peak.',
    `Private memory growth: ${ratio}.`,
    `Export: ours remuxes to a WebM with Cues and Duration; the array baseline writes its Blob as is (no duration, no seeking).`,
    '',
    `Machine: ${machineLine(machine)}. Command: \`npm run bench:recording\` (BB_BENCH_RECORDING_MINUTES=${MINUTES}).`,
  ].join('\n');
  const { markdownPath, jsonPath } = writeResults(
    'recording',
    { machine, minutes: MINUTES, results },
    markdown,
  );
  console.log(`\n${markdown}\n\nrecording benchmark done: ${markdownPath}, ${jsonPath}`);
}

await main();
