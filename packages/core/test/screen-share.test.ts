import { describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import { parseControlMessage } from '../src/call/control-channel.js';
import { resolveShareOptions } from '../src/call/screen-share-options.js';
import { mapDisplayMediaError } from '../src/call/screen-share.js';
import { elementCaptureApi } from '../src/call/element-capture.js';

/** Enough of an Element for the options check, which runs where `Element` is absent. */
const fakeElement = { getBoundingClientRect: () => ({}) } as unknown as Element;

describe('screen share options', () => {
  it('default to a tab or window, no whole screens, no own tab, no sound', () => {
    const { element, request } = resolveShareOptions();
    expect(element).toBeUndefined();
    expect(request).toEqual({
      video: { displaySurface: 'browser' },
      audio: false,
      monitorTypeSurfaces: 'exclude',
      selfBrowserSurface: 'exclude',
      surfaceSwitching: 'include',
      systemAudio: 'exclude',
    });
    expect(Object.isFrozen(request)).toBe(true);
    expect(Object.isFrozen(request.video)).toBe(true);
  });

  it('offer whole screens only when asked, and sound only when asked', () => {
    const { request } = resolveShareOptions({ surface: 'screen', audio: true });
    expect(request).toMatchObject({
      video: { displaySurface: 'monitor' },
      audio: true,
      monitorTypeSurfaces: 'include',
      systemAudio: 'include',
    });
    expect(resolveShareOptions({ surface: 'window' }).request.video).toEqual({
      displaySurface: 'window',
    });
  });

  it('capture this tab, preferred and included, for one element', () => {
    const { element, request } = resolveShareOptions({ element: fakeElement });
    expect(element).toBe(fakeElement);
    expect(request).toMatchObject({
      video: { displaySurface: 'browser' },
      preferCurrentTab: true,
      selfBrowserSurface: 'include',
      surfaceSwitching: 'exclude',
      audio: false,
    });
  });

  it('merge the raw override last, video one level deep', () => {
    const { request } = resolveShareOptions({
      displayMediaOptions: { selfBrowserSurface: 'include', video: { frameRate: 5 } },
    });
    expect(request.selfBrowserSurface).toBe('include');
    expect(request.video).toEqual({ displaySurface: 'browser', frameRate: 5 });
    expect(resolveShareOptions({ displayMediaOptions: { video: true } }).request.video).toBe(true);
  });

  it('refuse wrong types, ranges, unknown keys and conflicts, naming the option', () => {
    expect(() => resolveShareOptions('tab')).toThrow(TypeError);
    expect(() => resolveShareOptions({ audio: 'yes' })).toThrow(/options\.audio/);
    expect(() => resolveShareOptions({ audio: 'yes' })).toThrow(TypeError);
    expect(() => resolveShareOptions({ surface: 'desk' })).toThrow(RangeError);
    expect(() => resolveShareOptions({ element: {} })).toThrow(/options\.element/);
    expect(() => resolveShareOptions({ displayMediaOptions: [] })).toThrow(TypeError);
    expect(() => resolveShareOptions({ element: fakeElement, surface: 'screen' })).toThrow(
      RangeError,
    );
    let unknown: unknown;
    try {
      resolveShareOptions({ sruface: 'tab' });
    } catch (error) {
      unknown = error;
    }
    expect(isBbError(unknown) && unknown.code).toBe('BB_ERR_INVALID_ARGUMENT');
  });
});

describe('share control messages', () => {
  it('parse the five share messages', () => {
    for (const type of [
      'share-started',
      'share-paused',
      'share-resumed',
      'share-stopped',
      'share-stop-request',
    ]) {
      expect(parseControlMessage({ type })).toEqual({ type });
    }
  });

  it('ignore unknown types and extra fields', () => {
    expect(parseControlMessage({ type: 'share-hijack' })).toBeUndefined();
    expect(parseControlMessage({ type: 'share-started', stream: 'x' })).toBeUndefined();
    expect(parseControlMessage('share-started')).toBeUndefined();
  });
});

describe('screen capture errors', () => {
  it('a cancelled picker is its own non-fatal code', () => {
    const cancelled = new DOMException('Permission denied', 'NotAllowedError');
    expect(mapDisplayMediaError(cancelled).code).toBe('BB_ERR_SHARE_CANCELLED');
    expect(mapDisplayMediaError(cancelled).cause).toBe(cancelled);
    expect(mapDisplayMediaError(new DOMException('no', 'NotSupportedError')).code).toBe(
      'BB_ERR_SHARE_UNSUPPORTED',
    );
    expect(mapDisplayMediaError(new DOMException('gone', 'AbortError')).code).toBe(
      'BB_ERR_SHARE_FAILED',
    );
  });

  it('no element sharing where neither Element nor Region Capture exists (Node here)', () => {
    expect(elementCaptureApi()).toBeUndefined();
  });
});
