import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import { parseControlMessage, type ControlMessage } from '../src/call/control-channel.js';
import type { Role } from '../src/protocol/index.js';
import { ConsentGrant, assertConsent, mintConsentGrant } from '../src/recording/consent-grant.js';
import {
  RecordingConsent,
  type RecordingChange,
  type RecordingFinished,
} from '../src/recording/consent.js';
import { resolveRecordingOptions } from '../src/recording/recording-options.js';

// The consent state machine on its own, with a stand-in control channel and store. The
// recorder itself needs a browser (canvas, Web Audio, MediaRecorder) and is tested in
// test/e2e/recording.test.ts; here, without a DOM, it fails to start after the store
// opened the recording, which is enough to see when the store is reached.

/** A controller for `role`, recording what it sends and reports. */
function controller(role: Role, connected = true) {
  const sent: ControlMessage[] = [];
  const changes: RecordingChange[] = [];
  const finished: RecordingFinished[] = [];
  const consent = new RecordingConsent({
    role: () => role,
    link: () =>
      connected
        ? { role, send: (message) => sent.push(message), local: undefined, remote: undefined }
        : undefined,
    onChange: (change) => changes.push(change),
    onFinished: (result) => finished.push(result),
  });
  return { consent, sent, changes, finished };
}

/** A store that counts what it is asked and whose writer fails the recorder's start. */
function fakeStore() {
  const calls: string[] = [];
  const store = {
    prepare: (bytes: number) => {
      calls.push(`prepare ${bytes}`);
      return Promise.resolve({ persisted: true, availableBytes: 1e12, requiredBytes: bytes });
    },
    begin: ({ mimeType }: { mimeType: string }) => {
      calls.push(`begin ${mimeType}`);
      return Promise.resolve({
        id: 'r1',
        append: () => Promise.resolve(),
        note: () => Promise.resolve(),
        finish: () => Promise.reject(new Error('not reached')),
        abort: (reason: string) => {
          calls.push(`abort ${reason}`);
          return Promise.resolve();
        },
      });
    },
  };
  return { store: store as never, calls };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Waits (bounded) until the request went out: the recorder module loads on first use. */
const asked = (sent: readonly ControlMessage[]) =>
  vi.waitFor(() => expect(sent.length).toBeGreaterThan(0), { timeout: 10_000 });

describe('recording consent, host side', () => {
  beforeEach(() => {
    // Enough of MediaRecorder for the format check, which runs before the client is asked.
    // A function, as the real constructor is, with the static format check.
    const stand = Object.assign(function MediaRecorder() {}, { isTypeSupported: () => true });
    Reflect.set(globalThis, 'MediaRecorder', stand);
  });
  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'MediaRecorder');
  });

  it('checks storage first, then asks, and never opens a recording before the answer', async () => {
    const { consent, sent, changes } = controller('host');
    const { store, calls } = fakeStore();
    const outcome = consent.request({ store, expectedMinutes: 1 }).catch((error) => error);
    await asked(sent);
    // 1 minute at 1.5 Mbit/s video plus 128 kbit/s audio.
    expect(calls).toEqual([`prepare ${Math.ceil((1_628_000 * 60) / 8)}`]);
    expect(sent).toEqual([{ type: 'recording-request', media: 'audio-video' }]);
    expect(consent.state).toBe('requesting');

    consent.onControlMessage({ type: 'recording-consent', accepted: false });
    const error: unknown = await outcome;
    expect(isBbError(error, 'BB_ERR_RECORDING_DECLINED')).toBe(true);
    expect(calls).toHaveLength(1);
    expect(changes.map(({ state, reason, by }) => `${state}:${reason}:${by}`)).toEqual([
      'requesting:requested:host',
      'idle:declined:client',
    ]);
  });

  it('ignores an acceptance nobody asked for', async () => {
    const { consent, sent, changes } = controller('host');
    consent.onControlMessage({ type: 'recording-consent', accepted: true });
    consent.onControlMessage({ type: 'recording-started' });
    await flush();
    expect(consent.state).toBe('idle');
    expect(sent).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('opens the recording only after the acceptance, and reports a recorder that cannot start', async () => {
    const { consent, sent, changes } = controller('host');
    const { store, calls } = fakeStore();
    const outcome = consent.request({ store, layout: 'audio-only' }).catch((error) => error);
    await asked(sent);
    expect(sent).toEqual([{ type: 'recording-request', media: 'audio' }]);
    expect(calls.some((call) => call.startsWith('begin'))).toBe(false);

    consent.onControlMessage({ type: 'recording-consent', accepted: true });
    const error: unknown = await outcome;
    // Without a DOM the recorder cannot start: the store was reached only now, the empty
    // recording is discarded, and the client is told.
    expect(calls.slice(1, 2)).toEqual(['begin audio/webm;codecs=opus']);
    expect(calls.at(-1)).toMatch(/^abort /);
    expect(isBbError(error)).toBe(true);
    expect(sent.at(-1)).toEqual({ type: 'recording-stopped', reason: 'failed' });
    expect(changes.map(({ state, reason }) => `${state}:${reason}`)).toEqual([
      'requesting:requested',
      'starting:accepted',
      'idle:failed',
    ]);
  });

  it('cancels a pending request on stop, and on a lost connection', async () => {
    for (const end of ['stop', 'reset'] as const) {
      const { consent, sent } = controller('host');
      const { store } = fakeStore();
      const outcome = consent.request({ store }).catch((error) => error);
      await asked(sent);
      if (end === 'stop') {
        await consent.stop();
        expect(sent.at(-1)).toEqual({ type: 'recording-stopped', reason: 'cancelled' });
      } else {
        consent.reset('connection-lost');
        expect(sent).toHaveLength(1);
      }
      expect(isBbError(await outcome, 'BB_ERR_RECORDING_CANCELLED')).toBe(true);
      expect(consent.state).toBe('idle');
    }
  });

  it('a request stopped while storage is checked never asks, and leaves a new one alone', async () => {
    const { consent, sent } = controller('host');
    const { store } = fakeStore();
    let release: () => void = () => undefined;
    const slow = {
      ...(store as object),
      prepare: () => new Promise<void>((resolve) => (release = resolve)),
    };
    const first = consent.request({ store: slow as never }).catch((error) => error);
    await vi.waitFor(() => expect(consent.state).toBe('requesting'));
    await consent.stop();
    const second = consent.request({ store }).catch((error) => error);
    await asked(sent);
    release();
    expect(isBbError(await first, 'BB_ERR_RECORDING_CANCELLED')).toBe(true);
    // Only the second request reached the client, and it is still waiting for an answer.
    expect(sent).toEqual([{ type: 'recording-request', media: 'audio-video' }]);
    expect(consent.state).toBe('requesting');
    consent.onControlMessage({ type: 'recording-consent', accepted: false });
    expect(isBbError(await second, 'BB_ERR_RECORDING_DECLINED')).toBe(true);
  });

  it('refuses a second request, a request outside a call, and client actions', async () => {
    const { consent } = controller('host');
    const { store } = fakeStore();
    void consent.request({ store }).catch(() => undefined);
    await expect(consent.request({ store })).rejects.toMatchObject({
      code: 'BB_ERR_RECORDING_IN_PROGRESS',
    });
    await expect(controller('host', false).consent.request()).rejects.toMatchObject({
      code: 'BB_ERR_CALL_STATE',
    });
    expect(() => consent.respond(true)).toThrow(
      expect.objectContaining({ code: 'BB_ERR_RECORDING_NOT_ALLOWED' }),
    );
    expect(() => consent.withdraw()).toThrow(
      expect.objectContaining({ code: 'BB_ERR_RECORDING_NOT_ALLOWED' }),
    );
  });
});

describe('recording consent, client side', () => {
  it('is asked, accepts, sees the start, withdraws at once', () => {
    const { consent, sent, changes } = controller('client');
    consent.onControlMessage({ type: 'recording-request', media: 'audio-video' });
    expect(consent.state).toBe('asked');
    expect(consent.requestedMedia).toBe('audio-video');
    consent.respond(true);
    consent.onControlMessage({ type: 'recording-started' });
    expect(consent.state).toBe('recording');
    consent.withdraw();
    expect(sent).toEqual([
      { type: 'recording-consent', accepted: true },
      { type: 'recording-withdraw' },
    ]);
    expect(changes.map(({ state, reason, by }) => `${state}:${reason}:${by}`)).toEqual([
      'asked:requested:host',
      'starting:accepted:client',
      'recording:started:host',
      'idle:withdrawn:client',
    ]);
  });

  it('shows a start it never accepted, and answers only a pending request', () => {
    const { consent, sent } = controller('client');
    expect(() => consent.respond(true)).toThrow(
      expect.objectContaining({ code: 'BB_ERR_CALL_STATE' }),
    );
    expect(() => consent.respond('yes' as never)).toThrow(TypeError);
    consent.onControlMessage({ type: 'recording-started' });
    expect(consent.state).toBe('recording');
    consent.onControlMessage({ type: 'recording-stopped', reason: 'stopped' });
    expect(consent.state).toBe('idle');
    expect(sent).toEqual([]);
  });

  it('declines through withdraw while asked, and goes idle when the call ends', async () => {
    const { consent, sent } = controller('client');
    consent.onControlMessage({ type: 'recording-request', media: 'audio' });
    consent.withdraw();
    expect(sent).toEqual([{ type: 'recording-consent', accepted: false }]);
    consent.onControlMessage({ type: 'recording-request', media: 'audio' });
    consent.reset('call-ended');
    expect(consent.state).toBe('idle');
    await expect(consent.request()).rejects.toMatchObject({
      code: 'BB_ERR_RECORDING_NOT_ALLOWED',
    });
  });
});

describe('consent grants', () => {
  it('are accepted only when minted by the controller and not revoked', () => {
    const grant = mintConsentGrant();
    expect(() => assertConsent(grant)).not.toThrow();
    grant.revoke();
    expect(() => assertConsent(grant)).toThrow(
      expect.objectContaining({ code: 'BB_ERR_RECORDING_CONSENT_REQUIRED' }),
    );
    for (const forged of [new ConsentGrant(), { live: true }, undefined]) {
      expect(() => assertConsent(forged)).toThrow(
        expect.objectContaining({ code: 'BB_ERR_RECORDING_CONSENT_REQUIRED' }),
      );
    }
  });
});

describe('recording options and messages', () => {
  it('fill in the defaults per layout and freeze them', () => {
    const side = resolveRecordingOptions();
    expect(side).toMatchObject({
      layout: 'side-by-side',
      width: 1280,
      height: 480,
      videoBitsPerSecond: 1_500_000,
      frameRate: 25,
    });
    expect(Object.isFrozen(side)).toBe(true);
    expect(resolveRecordingOptions({ layout: 'picture-in-picture' }).height).toBe(720);
  });

  it('name the option that is wrong', () => {
    expect(() => resolveRecordingOptions({ videoBitsPerSecond: 50 })).toThrow(
      /options\.videoBitsPerSecond/,
    );
    expect(() => resolveRecordingOptions({ videoBitsPerSecond: 50 })).toThrow(RangeError);
    expect(() => resolveRecordingOptions({ layout: 'grid' })).toThrow(RangeError);
    expect(() => resolveRecordingOptions({ frameRate: '25' })).toThrow(TypeError);
    expect(() => resolveRecordingOptions({ store: {} })).toThrow(/options\.store/);
    expect(() => resolveRecordingOptions('fast')).toThrow(TypeError);
    expect(() => resolveRecordingOptions({ bitrate: 1 })).toThrow(
      expect.objectContaining({ code: 'BB_ERR_INVALID_ARGUMENT' }),
    );
  });

  it('are parsed strictly on the control channel', () => {
    expect(parseControlMessage({ type: 'recording-consent', accepted: true })).toEqual({
      type: 'recording-consent',
      accepted: true,
    });
    expect(parseControlMessage({ type: 'recording-consent', accepted: 'yes' })).toBeUndefined();
    expect(parseControlMessage({ type: 'recording-request', media: 'screen' })).toBeUndefined();
    expect(
      parseControlMessage({ type: 'recording-started', at: Date.now(), chunk: 'AAAA' }),
    ).toBeUndefined();
    expect(parseControlMessage({ type: 'recording-stopped', reason: 'stopped' })).toEqual({
      type: 'recording-stopped',
      reason: 'stopped',
    });
  });
});
