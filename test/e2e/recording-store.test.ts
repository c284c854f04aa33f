import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { WAIT_MS } from './support/frames.js';
import { RECORDING_HELPERS, type RecordingTestWindow } from './support/recording-page.js';
import { startRecordingSite, type RecordingSite } from './support/recording-site.js';

// Real Chromium, real MediaRecorder chunks of the fake camera and microphone, the real
// Origin Private File System, IndexedDB, Web Crypto and Web Locks.
const MIME = 'video/webm;codecs=vp8,opus';

let site: RecordingSite;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  site = await startRecordingSite();
  browser = await launchChromium();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
});

/** A fresh context (its own storage) and a page of it with the recording helpers. */
async function freshContext(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  contexts.push(context);
  await context.addInitScript({ content: RECORDING_HELPERS });
  return { context, page: await openRecordingPage(context) };
}

async function openRecordingPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  await page.goto(`${site.origin}/recording.html`);
  await page.waitForFunction(() => (window as unknown as RecordingTestWindow).bbReady, null, {
    timeout: WAIT_MS,
  });
  return page;
}

/** Records the fake devices for `ms` milliseconds and finishes the recording. */
async function record(page: Page, ms: number) {
  await page.evaluate((mime) => (window as unknown as RecordingTestWindow).__rec.start(mime), MIME);
  await page.waitForTimeout(ms);
  return page.evaluate(() => (window as unknown as RecordingTestWindow).__rec.stop());
}

type Helpers = RecordingTestWindow['__rec'];

/**
 * Runs `fn` in the page with the page's helpers and `arg`. Playwright sends a function's
 * source, not its closure, so `fn` is rebuilt in the page from its text.
 */
const rec = (page: Page) => ({
  run<T, A>(fn: (r: Helpers, arg: A) => Promise<T>, arg: A): Promise<T> {
    return page.evaluate(
      ({ source, input }) => {
        const helpers = (window as unknown as RecordingTestWindow).__rec;
        const rebuilt = new Function('r', 'arg', `return (${source})(r, arg);`) as (
          r: Helpers,
          arg: unknown,
        ) => Promise<T>;
        return rebuilt(helpers, input);
      },
      { source: fn.toString(), input: arg as unknown },
    ) as Promise<T>;
  },
});

describe('@bilateral-base/core/recording in Chromium', () => {
  it('exports a recording to a file with a finite duration that seeks', async () => {
    const { page } = await freshContext();
    const { id, seconds, appendErrors } = await record(page, 4_500);
    expect(appendErrors).toEqual([]);

    const stored = await rec(page).run(
      async (r, recordingId) => (await r.store()).get(recordingId),
      id,
    );
    expect(stored).toMatchObject({ id, status: 'complete', endReason: 'finished', mimeType: MIME });
    expect(stored.chunkCount).toBeGreaterThanOrEqual(4);
    expect(stored.events.map((event) => event.type)).toEqual([
      'consent-given',
      'started',
      'stopped',
    ]);

    const { summary, size } = await rec(page).run(
      (r, recordingId) => r.exportToMemory(recordingId),
      id,
    );
    expect(summary).toMatchObject({
      id,
      mimeType: 'video/webm',
      extension: 'webm',
      chunkCount: stored.chunkCount,
    });
    expect(summary.bytesWritten).toBe(size);
    expect(Math.abs(summary.durationSeconds - seconds)).toBeLessThan(1);

    const played = await rec(page).run((r) => r.play(), null);
    expect(Number.isFinite(played.duration)).toBe(true);
    expect(Math.abs(played.duration - seconds)).toBeLessThan(1);
    expect(Math.abs(played.seekedTo - played.duration / 2)).toBeLessThan(0.5);
    // The fake camera draws a coloured pattern: a decoded frame has many colours.
    expect(played.distinctColours).toBeGreaterThan(20);

    // Consent, start and stop travel into the file's tags: times and roles only.
    expect(await rec(page).run((r) => r.exportContains('consent-given'), null)).toBe(true);
    expect(await rec(page).run((r) => r.exportContains('"role":"client"'), null)).toBe(true);
  });

  it('exports into a FileSystemWritableFileStream in place', async () => {
    const { page } = await freshContext();
    const { id, seconds } = await record(page, 3_000);
    const summary = await rec(page).run(
      (r, recordingId) => r.exportToOpfsFile(recordingId, 'out.webm'),
      id,
    );
    expect(await rec(page).run((r) => r.opfsFileSize('out.webm'), null)).toBe(summary.bytesWritten);
    const played = await rec(page).run((r) => r.play(), null);
    expect(Math.abs(played.duration - seconds)).toBeLessThan(1);
  });

  it('stores only ciphertext: no EBML header and no "webm" doc type in clear', async () => {
    const { page } = await freshContext();
    const { id } = await record(page, 2_500);
    const raw = await rec(page).run((r, recordingId) => r.rawFiles(recordingId), id);
    const stored = await rec(page).run(
      async (r, recordingId) => (await r.store()).get(recordingId),
      id,
    );
    // One file per media chunk, plus the end marker.
    expect(raw.names).toHaveLength(stored.chunkCount + 1);
    expect(raw.names[0]).toBe('chunk-00000000.bin');
    expect(raw).toMatchObject({ ebmlMagic: false, webmText: false });
  });

  it('fails export with BB_ERR_RECORDING_CORRUPT on a flipped byte, and saves nothing', async () => {
    const { page } = await freshContext();
    const { id } = await record(page, 3_500);
    await rec(page).run((r, recordingId) => r.flipByte(recordingId, 'chunk-00000002.bin', 100), id);
    const code = await rec(page).run(
      (r, recordingId) => r.codeOf(() => r.exportToOpfsFile(recordingId, 'tampered.webm')),
      id,
    );
    expect(code).toBe('BB_ERR_RECORDING_CORRUPT');
    // The target was aborted: its file never received the export.
    expect(await rec(page).run((r) => r.opfsFileSize('tampered.webm'), null)).toBe(0);
    const codeToStream = await rec(page).run(
      (r, recordingId) => r.codeOf(() => r.exportToMemory(recordingId)),
      id,
    );
    expect(codeToStream).toBe('BB_ERR_RECORDING_CORRUPT');
  });

  it('fails export with BB_ERR_RECORDING_CORRUPT when two chunks are swapped', async () => {
    const { page } = await freshContext();
    const { id } = await record(page, 3_500);
    await rec(page).run(
      (r, recordingId) => r.swapFiles(recordingId, 'chunk-00000001.bin', 'chunk-00000002.bin'),
      id,
    );
    const code = await rec(page).run(
      (r, recordingId) => r.codeOf(() => r.exportToMemory(recordingId)),
      id,
    );
    expect(code).toBe('BB_ERR_RECORDING_CORRUPT');
  });

  it('fails export with BB_ERR_RECORDING_CORRUPT when the last chunk is cut off', async () => {
    const { page } = await freshContext();
    const { id } = await record(page, 3_500);
    const stored = await rec(page).run(
      async (r, recordingId) => (await r.store()).get(recordingId),
      id,
    );
    const last = `chunk-${String(stored.chunkCount - 1).padStart(8, '0')}.bin`;
    const end = `chunk-${String(stored.chunkCount).padStart(8, '0')}.bin`;
    // Cut the last media chunk off, and make the rest look whole: the end marker moved
    // into its place and the metadata's count lowered to match.
    await rec(page).run(
      async (r, names) => {
        await r.removeFile(names.recordingId, names.last);
        await r.renameFile(names.recordingId, names.end, names.last);
        await r.setChunkCount(names.recordingId, names.count - 1);
      },
      { recordingId: id, last, end, count: stored.chunkCount },
    );
    const code = await rec(page).run(
      (r, recordingId) => r.codeOf(() => r.exportToMemory(recordingId)),
      id,
    );
    expect(code).toBe('BB_ERR_RECORDING_CORRUPT');
  });

  it('recovers a recording whose page closed mid-recording, up to the last chunk written', async () => {
    const { context, page: recorder } = await freshContext();
    const id = await recorder.evaluate(
      (mime) => (window as unknown as RecordingTestWindow).__rec.start(mime),
      MIME,
    );
    await recorder.waitForTimeout(3_500);

    // A second tab of the same origin sees the recording live: its writer holds the lock.
    const other = await openRecordingPage(context);
    const live = await rec(other).run(async (r) => (await r.store()).list(), null);
    expect(live.find((entry) => entry.id === id)?.status).toBe('recording');
    expect(
      await rec(other).run(
        (r, recordingId) => r.codeOf(async () => (await r.store()).delete(recordingId)),
        id,
      ),
    ).toBe('BB_ERR_RECORDING_BUSY');

    // The tab dies with MediaRecorder still running and the writer never finished.
    await recorder.close();
    const reopened = await openRecordingPage(context);
    await reopened.waitForFunction(
      async (recordingId) => {
        const list = await (await (window as unknown as RecordingTestWindow).__rec.store()).list();
        return list.find((entry) => entry.id === recordingId)?.status === 'interrupted';
      },
      id,
      { timeout: WAIT_MS, polling: 200 },
    );
    const recovered = await rec(reopened).run(
      async (r, recordingId) => (await r.store()).recover(recordingId),
      id,
    );
    expect(recovered).toMatchObject({ id, status: 'complete', endReason: 'recovered' });
    expect(recovered.chunkCount).toBeGreaterThanOrEqual(2);

    const { summary } = await rec(reopened).run(
      (r, recordingId) => r.exportToMemory(recordingId),
      id,
    );
    expect(summary.chunkCount).toBe(recovered.chunkCount);
    const played = await rec(reopened).run((r) => r.play(), null);
    expect(Number.isFinite(played.duration)).toBe(true);
    // About one second per chunk written (the first chunk also carries the header).
    expect(played.duration).toBeGreaterThan(recovered.chunkCount - 1.5);
    expect(played.duration).toBeLessThan(recovered.chunkCount + 1);
    expect(played.distinctColours).toBeGreaterThan(20);
  });

  it('export() saves through the save dialog, a download without one, and reports a cancel', async () => {
    const { page } = await freshContext();
    const { id } = await record(page, 2_500);

    // The dialog itself cannot be clicked headless: stand in for it with a file handle in
    // the private file system, which is the same FileSystemFileHandle type it returns.
    const viaPicker = await page.evaluate(async (recordingId) => {
      const w = window as unknown as RecordingTestWindow & {
        showSaveFilePicker?: (options: { suggestedName?: string }) => Promise<FileSystemFileHandle>;
      };
      let suggested = '';
      w.showSaveFilePicker = async (options) => {
        suggested = options.suggestedName ?? '';
        const root = await navigator.storage.getDirectory();
        return root.getFileHandle('picked.webm', { create: true });
      };
      const summary = await (await w.__rec.store()).export(recordingId, { suggestedName: 'a/b:c' });
      return { summary, suggested, size: await w.__rec.opfsFileSize('picked.webm') };
    }, id);
    expect(viaPicker.suggested).toBe('a-b-c.webm');
    expect(viaPicker.size).toBe(viaPicker.summary.bytesWritten);

    const cancelled = await page.evaluate(async (recordingId) => {
      const w = window as unknown as RecordingTestWindow & { showSaveFilePicker?: unknown };
      w.showSaveFilePicker = () => Promise.reject(new DOMException('closed', 'AbortError'));
      return w.__rec.codeOf(async () => (await w.__rec.store()).export(recordingId));
    }, id);
    expect(cancelled).toBe('BB_ERR_RECORDING_EXPORT_CANCELLED');

    // Without a save dialog (Firefox, Safari), the file arrives as a download.
    const downloaded = page.waitForEvent('download', { timeout: WAIT_MS });
    const summary = await page.evaluate(async (recordingId) => {
      const w = window as unknown as RecordingTestWindow & { showSaveFilePicker?: unknown };
      delete w.showSaveFilePicker;
      return (await w.__rec.store()).export(recordingId, { suggestedName: 'session' });
    }, id);
    const download = await downloaded;
    expect(download.suggestedFilename()).toBe('session.webm');
    const bytes = await readFile(await download.path());
    expect(bytes.length).toBe(summary.bytesWritten);
    expect(bytes.subarray(0, 4).toString('hex')).toBe('1a45dfa3');
  });

  it('delete removes the chunk files, the metadata and the key', async () => {
    const { page } = await freshContext();
    const { id } = await record(page, 2_000);
    expect(await rec(page).run((r, recordingId) => r.hasKey(recordingId), id)).toBe(true);
    expect(await rec(page).run((r, recordingId) => r.hasFolder(recordingId), id)).toBe(true);
    await rec(page).run(async (r, recordingId) => (await r.store()).delete(recordingId), id);
    expect(await rec(page).run((r, recordingId) => r.hasKey(recordingId), id)).toBe(false);
    expect(await rec(page).run((r, recordingId) => r.hasFolder(recordingId), id)).toBe(false);
    const list = await rec(page).run(async (r) => (await r.store()).list(), null);
    expect(list.map((entry) => entry.id)).not.toContain(id);
    expect(
      await rec(page).run((r, recordingId) => r.codeOf(() => r.exportToMemory(recordingId)), id),
    ).toBe('BB_ERR_RECORDING_NOT_FOUND');
  });

  it('stops cleanly with BB_ERR_RECORDING_NO_SPACE when the quota runs out, keeping what was written', async () => {
    const { context, page } = await freshContext();
    // prepare() refuses an estimate larger than the free quota.
    const tooBig = await rec(page).run(
      async (r) => r.codeOf(async () => (await r.store()).prepare(1e15)),
      null,
    );
    expect(tooBig).toBe('BB_ERR_RECORDING_NO_SPACE');

    // Leave room for a few one-second chunks only (Chromium's DevTools quota override;
    // the fake camera's pattern compresses to some tens of kilobytes a second).
    const cdp = await context.newCDPSession(page);
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    await cdp.send('Storage.overrideQuotaForOrigin', {
      origin: site.origin,
      quotaSize: usage + 250_000,
    });
    await page.evaluate(
      (mime) => (window as unknown as RecordingTestWindow).__rec.start(mime),
      MIME,
    );
    await page.waitForFunction(
      () => (window as unknown as RecordingTestWindow).__rec.appendErrors().length > 0,
      null,
      { timeout: WAIT_MS, polling: 200 },
    );
    const { id, appendErrors } = await page.evaluate(() =>
      (window as unknown as RecordingTestWindow).__rec.stop(),
    );
    expect(appendErrors[0]).toBe('BB_ERR_RECORDING_NO_SPACE');
    // Later chunks were refused as the writer had already closed itself.
    expect(appendErrors.slice(1).every((code) => code === 'BB_ERR_RECORDING_CLOSED')).toBe(true);
    const stored = await rec(page).run(
      async (r, recordingId) => (await r.store()).get(recordingId),
      id,
    );
    expect(stored).toMatchObject({ status: 'complete', endReason: 'no-space' });
    expect(stored.chunkCount).toBeGreaterThanOrEqual(1);

    // With room again (the therapist freed space), what was written exports and plays.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: site.origin });
    const { summary } = await rec(page).run((r, recordingId) => r.exportToMemory(recordingId), id);
    expect(summary.chunkCount).toBe(stored.chunkCount);
    const played = await rec(page).run((r) => r.play(), null);
    expect(Number.isFinite(played.duration)).toBe(true);
  });
});
