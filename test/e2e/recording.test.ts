import type { Page } from 'playwright-core';
import type { SessionLink, TicketResponse } from '@bilateral-base/core';
import type { StoredRecording } from '@bilateral-base/core/recording';
import { describe, expect, it } from 'vitest';
import { WAIT_MS, expectVideoFlowing } from './support/frames.js';
import { useHarness } from './support/harness.js';
import type { TestWindow } from './support/page-globals.js';
import {
  INSTRUMENT,
  captureNetwork,
  channelMessages,
  recordingDataIn,
  type ChannelEntry,
  type Outgoing,
} from './support/recording-capture.js';

// Local recording with consent between two real Chromium pages through bb-signal. Each
// page sends a canvas of one solid colour as its camera (plus the fake microphone), so
// the exported frame shows whose picture is where.

const harness = useHarness();

const HOST_COLOUR = [30, 60, 220] as const;
const CLIENT_COLOUR = [40, 200, 60] as const;

/** What the instrumentation below and the tests put on `window`. */
interface RecordingWindow extends TestWindow {
  recordingStates: { state: string; reason: string; by: string }[];
  finished: { id: string | undefined; code: string | undefined }[];
  requestOutcome?: Promise<string>;
  __bbRecorders: MediaRecorder[];
  __bbChunkSamples: string[];
  __bbChunks: Blob[];
  __bbChannelLog: ChannelEntry[];
  __bbControlChannels: RTCDataChannel[];
}

/**
 * Opens a page that joins `link` with a canvas of `colour` as its camera and the fake
 * microphone, and follows the call's recording events.
 */
async function startCall(
  link: SessionLink,
  colour: readonly number[],
  network?: { into: Outgoing[]; name: string },
  hostTicket?: TicketResponse,
): Promise<Page> {
  const page = await harness.newPage(
    `${harness.site.origin}/session.html`,
    INSTRUMENT,
    network === undefined ? undefined : (p) => captureNetwork(p, network.into, network.name),
  );
  await page.evaluate(
    async ({ signalUrl, linkUrl, ticket, rgb }) => {
      const w = window as unknown as RecordingWindow;
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 240;
      const context = canvas.getContext('2d')!;
      // A canvas track yields a frame only when the canvas changes, so it is repainted.
      setInterval(() => {
        context.fillStyle = `rgb(${rgb.join(', ')})`;
        context.fillRect(0, 0, canvas.width, canvas.height);
      }, 40);
      const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
      const localStream = new MediaStream([
        ...canvas.captureStream(25).getVideoTracks(),
        ...microphone.getAudioTracks(),
      ]);
      const call = new w.bb.SessionCall({
        signalUrl,
        link: linkUrl,
        localStream,
        ...(ticket === undefined ? {} : { hostTicket: ticket }),
      });
      w.call = call;
      w.recordingStates = [];
      w.finished = [];
      call.on('recordingchange', ({ state, reason, by }) =>
        w.recordingStates.push({ state, reason, by }),
      );
      call.on('recordingfinished', ({ recording, error }) =>
        w.finished.push({ id: recording?.id, code: error?.code }),
      );
      await call.join();
    },
    { signalUrl: harness.signal.url, linkUrl: link.url, ticket: hostTicket, rgb: colour },
  );
  return page;
}

/** A connected host and client with video flowing both ways. */
async function connectedPair(network?: Outgoing[]): Promise<{ host: Page; client: Page }> {
  const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
  const ticket = await harness.signal.hostTicket(link.roomId);
  const host = await startCall(
    link,
    HOST_COLOUR,
    network && { into: network, name: 'host' },
    ticket,
  );
  const client = await startCall(link, CLIENT_COLOUR, network && { into: network, name: 'client' });
  for (const page of [host, client]) {
    await page.waitForFunction(
      () => (window as unknown as RecordingWindow).call?.state === 'connected',
      null,
      { timeout: WAIT_MS },
    );
  }
  await expectVideoFlowing(host);
  await expectVideoFlowing(client);
  return { host, client };
}

function waitForRecordingState(page: Page, state: string): Promise<unknown> {
  return page.waitForFunction(
    (s) => (window as unknown as RecordingWindow).call?.recording.state === s,
    state,
    { timeout: WAIT_MS },
  );
}

/** Starts the host's request without waiting for its outcome (kept on the page). */
function request(host: Page, options: Record<string, unknown> = {}): Promise<void> {
  return host.evaluate((given) => {
    const w = window as unknown as RecordingWindow;
    w.requestOutcome = w.call!.recording.request(given).then(
      () => 'started',
      (error: { code?: string }) => error.code ?? String(error),
    );
  }, options);
}

function requestOutcome(host: Page): Promise<string | undefined> {
  return host.evaluate(() => (window as unknown as RecordingWindow).requestOutcome);
}

function recorderCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as RecordingWindow).__bbRecorders.length);
}

/** Every recording in the host page's store. */
function storedRecordings(page: Page): Promise<StoredRecording[]> {
  return page.evaluate(async () => {
    const { RecordingStore } = await (window as unknown as RecordingWindow).bb.loadRecording();
    return (await RecordingStore.open()).list();
  });
}

/** Waits until the host's last recording was written to the store, and returns its id. */
async function finishedId(host: Page): Promise<string> {
  await host.waitForFunction(
    () => (window as unknown as RecordingWindow).finished.length > 0,
    null,
    {
      timeout: WAIT_MS,
    },
  );
  const [finished] = await host.evaluate(() => (window as unknown as RecordingWindow).finished);
  expect(finished?.code).toBeUndefined();
  return finished!.id!;
}

interface ExportedFile {
  readonly mimeType: string;
  readonly bytes: number;
  readonly durationSeconds: number;
  readonly duration: number;
  readonly seekedTo: number;
  readonly audioSeconds: number;
  readonly audioPeak: number;
  readonly left: number[];
  readonly right: number[];
}

/**
 * Exports recording `id` into memory with `exportTo` and a WritableStream, loads it in a
 * <video>, seeks to the middle and reads the colour at the centre of each half.
 */
function exportAndInspect(host: Page, id: string): Promise<ExportedFile> {
  return host.evaluate(async (recordingId) => {
    const w = window as unknown as RecordingWindow;
    const { RecordingStore } = await w.bb.loadRecording();
    const store = await RecordingStore.open();
    const parts: Uint8Array[] = [];
    const target = new WritableStream<Uint8Array>({
      write(chunk) {
        parts.push(chunk.slice());
      },
    });
    const summary = await store.exportTo(recordingId, target);
    const blob = new Blob(parts as BlobPart[], { type: summary.mimeType });
    const video = document.createElement('video');
    video.muted = true;
    video.src = URL.createObjectURL(blob);
    await new Promise((resolve, reject) => {
      video.onloadedmetadata = resolve;
      video.onerror = () => reject(new Error(`the export does not load: ${video.error?.message}`));
    });
    const duration = video.duration;
    video.currentTime = duration / 2;
    await new Promise((resolve) => {
      video.onseeked = resolve;
    });
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(video, 0, 0);
    // The mixed voices: decode the file's sound and find its loudest sample (the fake
    // microphones beep).
    const sound = await new AudioContext().decodeAudioData(await blob.arrayBuffer());
    let audioPeak = 0;
    for (let channel = 0; channel < sound.numberOfChannels; channel += 1) {
      for (const sample of sound.getChannelData(channel)) {
        audioPeak = Math.max(audioPeak, Math.abs(sample));
      }
    }
    const pixel = (x: number) =>
      Array.from(context.getImageData(x, Math.floor(canvas.height / 2), 1, 1).data.slice(0, 3));
    return {
      mimeType: summary.mimeType,
      bytes: blob.size,
      durationSeconds: summary.durationSeconds,
      duration,
      seekedTo: video.currentTime,
      audioSeconds: sound.duration,
      audioPeak,
      left: pixel(Math.floor(canvas.width / 4)),
      right: pixel(Math.floor((canvas.width * 3) / 4)),
    };
  }, id);
}

function expectColour(actual: readonly number[], expected: readonly number[]): void {
  // VP8 moves colours a little; 40 per channel still tells blue from green from black.
  expected.forEach((value, channel) => {
    expect(Math.abs((actual[channel] ?? -999) - value)).toBeLessThanOrEqual(40);
  });
}

describe('local recording with consent, in real Chromium through bb-signal', () => {
  it('never records without the client accepting: unanswered, forged, declined', async () => {
    const { host, client } = await connectedPair();

    // Roles are enforced: the client cannot ask, the host cannot answer.
    const wrongRole = await client.evaluate(() =>
      (window as unknown as RecordingWindow).call!.recording.request().then(
        () => 'started',
        (error: { code?: string }) => error.code,
      ),
    );
    expect(wrongRole).toBe('BB_ERR_RECORDING_NOT_ALLOWED');

    // Asked, never answered: the host waits and records nothing.
    await request(host);
    await waitForRecordingState(client, 'asked');
    await host.waitForTimeout(3000);
    expect(
      await host.evaluate(() => (window as unknown as RecordingWindow).call!.recording.state),
    ).toBe('requesting');
    expect(await recorderCount(host)).toBe(0);
    expect(await storedRecordings(host)).toEqual([]);

    // The host cancels; the client's request closes.
    await host.evaluate(() => (window as unknown as RecordingWindow).call!.recording.stop());
    expect(await requestOutcome(host)).toBe('BB_ERR_RECORDING_CANCELLED');
    await waitForRecordingState(client, 'idle');

    // An acceptance for no request, sent raw on the control channel, starts nothing.
    const forged = await client.evaluate(() => {
      const channel = (window as unknown as RecordingWindow).__bbControlChannels.find(
        (candidate) => candidate.readyState === 'open',
      );
      const message = JSON.stringify({ type: 'recording-consent', accepted: true });
      channel?.send(new TextEncoder().encode(message));
      return channel !== undefined;
    });
    expect(forged).toBe(true);
    await host.waitForTimeout(1500);
    expect(
      await host.evaluate(() => (window as unknown as RecordingWindow).call!.recording.state),
    ).toBe('idle');
    expect(await recorderCount(host)).toBe(0);

    // Declined: the request rejects, nothing is stored, the call goes on.
    await request(host);
    await waitForRecordingState(client, 'asked');
    await client.evaluate(() =>
      (window as unknown as RecordingWindow).call!.recording.respond(false),
    );
    expect(await requestOutcome(host)).toBe('BB_ERR_RECORDING_DECLINED');
    expect(await recorderCount(host)).toBe(0);
    expect(await storedRecordings(host)).toEqual([]);
    const hostStates = await host.evaluate(
      () => (window as unknown as RecordingWindow).recordingStates,
    );
    expect(hostStates.map(({ state, reason }) => `${state}:${reason}`)).toEqual([
      'requesting:requested',
      'idle:cancelled',
      'requesting:requested',
      'idle:declined',
    ]);
    expect(await host.evaluate(() => (window as unknown as RecordingWindow).call!.state)).toBe(
      'connected',
    );
  });

  it('records a few seconds after consent into a seekable file showing both people, and sends none of it', async () => {
    const network: Outgoing[] = [];
    const { host, client } = await connectedPair(network);
    const channelBefore = {
      host: (await channelMessages(host, 'host')).length,
      client: (await channelMessages(client, 'client')).length,
    };
    const networkBefore = network.length;

    await request(host, { layout: 'side-by-side', videoBitsPerSecond: 1_000_000 });
    await waitForRecordingState(client, 'asked');
    await client.evaluate(() =>
      (window as unknown as RecordingWindow).call!.recording.respond(true),
    );
    expect(await requestOutcome(host)).toBe('started');
    await waitForRecordingState(client, 'recording');
    await host.waitForTimeout(4000);
    const saved = await host.evaluate(() =>
      (window as unknown as RecordingWindow).call!.recording.stop(),
    );
    expect(saved?.status).toBe('complete');
    await waitForRecordingState(client, 'idle');

    const events = saved!.events;
    expect(events.map(({ type, role }) => `${type}:${role}`)).toEqual([
      'consent-requested:host',
      'consent-given:client',
      'started:host',
      'stopped:host',
    ]);
    const realSeconds =
      (events.find((e) => e.type === 'stopped')!.at -
        events.find((e) => e.type === 'started')!.at) /
      1000;
    expect(realSeconds).toBeGreaterThan(3.5);

    const file = await exportAndInspect(host, saved!.id);
    expect(file.mimeType).toMatch(/^video\//);
    expect(Number.isFinite(file.duration)).toBe(true);
    expect(Math.abs(file.duration - realSeconds)).toBeLessThan(1.5);
    expect(file.seekedTo).toBeGreaterThan(file.duration / 2 - 0.5);
    // The client (remote) on the left, the host (local) on the right.
    expectColour(file.left, CLIENT_COLOUR);
    expectColour(file.right, HOST_COLOUR);
    expect(Math.abs(file.audioSeconds - realSeconds)).toBeLessThan(1.5);
    expect(file.audioPeak).toBeGreaterThan(0.01);
    // Everything the recorder made was released.
    const released = await host.evaluate(() =>
      (window as unknown as RecordingWindow).__bbRecorders.map((recorder) => ({
        state: recorder.state,
        live: recorder.stream.getTracks().filter((track) => track.readyState === 'live').length,
      })),
    );
    expect(released).toEqual([{ state: 'inactive', live: 0 }]);

    // Nothing that left either page while recording and exporting carries recording data.
    const samples = await host.evaluate(
      () => (window as unknown as RecordingWindow).__bbChunkSamples,
    );
    expect(samples.length).toBeGreaterThanOrEqual(12);
    const sent = [
      ...network.slice(networkBefore),
      ...(await channelMessages(host, 'host')).slice(channelBefore.host),
      ...(await channelMessages(client, 'client')).slice(channelBefore.client),
    ];
    // The recording messages themselves went over the control channel, so the capture saw them.
    const controlTypes = sent
      .filter((payload) => payload.where.startsWith('data channel'))
      .map((payload) => JSON.parse(Buffer.from(payload.hex, 'hex').toString('utf8')).type);
    expect(controlTypes).toEqual(
      expect.arrayContaining([
        'recording-request',
        'recording-consent',
        'recording-started',
        'recording-stopped',
      ]),
    );
    const flagged = sent.flatMap((payload) => {
      const why = recordingDataIn(payload, samples);
      return why === undefined ? [] : [`${payload.where}: ${why}`];
    });
    expect(flagged).toEqual([]);

    // Negative control: the same detector flags a chunk when one is really sent, from the
    // first chunk (with the WebM header) and from a later one (without it), by fetch and on
    // a data channel.
    const probeStart = {
      network: network.length,
      channel: (await channelMessages(host, 'host')).length,
    };
    await host.evaluate(async () => {
      const w = window as unknown as RecordingWindow;
      const first = await w.__bbChunks[0]!.arrayBuffer();
      const later = await w.__bbChunks[2]!.arrayBuffer();
      await fetch('/probe', { method: 'POST', body: later }).catch(() => undefined);
      const channel = new RTCPeerConnection().createDataChannel('probe');
      for (const payload of [first, later.slice(0, 1500)]) {
        try {
          channel.send(payload);
        } catch {
          // Not open: the message was still handed to send(), which is what is checked.
        }
      }
    });
    await host.waitForTimeout(200);
    const probes = [
      ...network.slice(probeStart.network),
      ...(await channelMessages(host, 'host')).slice(probeStart.channel),
    ].filter((payload) => payload.where.includes('probe'));
    const caught = probes.map((payload) => recordingDataIn(payload, samples));
    expect(probes.map((payload) => payload.where)).toEqual([
      'host POST /probe',
      'data channel host probe binary',
      'data channel host probe binary',
    ]);
    expect(caught.every((why) => why !== undefined)).toBe(true);
    expect(caught[1]).toMatch(/container signature|recorded chunk/);
    expect(caught[2]).toMatch(/recorded chunk/);
  });

  it('stops at once on the host when the client withdraws consent, and keeps what was recorded', async () => {
    const { host, client } = await connectedPair();
    await request(host, { layout: 'picture-in-picture' });
    await waitForRecordingState(client, 'asked');
    await client.evaluate(() =>
      (window as unknown as RecordingWindow).call!.recording.respond(true),
    );
    expect(await requestOutcome(host)).toBe('started');
    await host.waitForTimeout(2500);

    await client.evaluate(() => (window as unknown as RecordingWindow).call!.recording.withdraw());
    await waitForRecordingState(host, 'idle');
    const last = await host.evaluate(() =>
      (window as unknown as RecordingWindow).recordingStates.at(-1),
    );
    expect(last).toEqual({ state: 'idle', reason: 'withdrawn', by: 'client' });
    expect(
      await host.evaluate(() =>
        (window as unknown as RecordingWindow).__bbRecorders.map((recorder) => recorder.state),
      ),
    ).toEqual(['inactive']);

    const id = await finishedId(host);
    const [stored] = await storedRecordings(host);
    expect(stored?.id).toBe(id);
    expect(stored?.status).toBe('complete');
    expect(stored!.chunkCount).toBeGreaterThanOrEqual(2);
    expect(stored!.events.map(({ type, role }) => `${type}:${role}`)).toEqual([
      'consent-requested:host',
      'consent-given:client',
      'started:host',
      'consent-withdrawn:client',
      'stopped:client',
    ]);
    expect(await host.evaluate(() => (window as unknown as RecordingWindow).call!.state)).toBe(
      'connected',
    );
  });

  it('stops the recording when the client leaves', async () => {
    const { host, client } = await connectedPair();
    await request(host, { layout: 'audio-only' });
    await waitForRecordingState(client, 'asked');
    await client.evaluate(() =>
      (window as unknown as RecordingWindow).call!.recording.respond(true),
    );
    expect(await requestOutcome(host)).toBe('started');
    await host.waitForTimeout(1500);
    await client.evaluate(() => (window as unknown as RecordingWindow).call!.leave());
    await waitForRecordingState(host, 'idle');
    await finishedId(host);
    const [stored] = await storedRecordings(host);
    expect(stored?.mimeType).toMatch(/^audio\//);
    expect(stored?.events.at(-1)).toMatchObject({ type: 'stopped', role: 'host' });
  });
});
