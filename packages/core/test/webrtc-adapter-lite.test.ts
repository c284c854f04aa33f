import { describe, expect, it } from 'vitest';
import { detectBrowser } from '../src/call/webrtc-adapter-lite.js';

const CHROMIUM_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/156.0.0.0 Safari/537.36';
const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const SAFARI_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Version/18.0 Safari/605.1.15';

function scope(navigator: Record<string, unknown> | undefined, withPeerConnection = true) {
  return {
    navigator,
    RTCPeerConnection: withPeerConnection ? function RTCPeerConnection() {} : undefined,
  } as unknown as typeof globalThis;
}

describe('webrtc-adapter-lite: the browser details PeerJS reads', () => {
  it('detects Chromium, Firefox and Safari as webrtc-adapter 9 does', () => {
    const noop = () => undefined;
    expect(detectBrowser(scope({ userAgent: CHROMIUM_UA, webkitGetUserMedia: noop }))).toEqual({
      browser: 'chrome',
      version: 156,
    });
    expect(detectBrowser(scope({ userAgent: FIREFOX_UA, mozGetUserMedia: noop }))).toEqual({
      browser: 'firefox',
      version: 140,
    });
    expect(detectBrowser(scope({ userAgent: SAFARI_UA }))).toEqual({
      browser: 'safari',
      version: 605,
    });
  });

  it('reports anything else as unsupported, and Node as no browser', () => {
    expect(detectBrowser(scope({ userAgent: SAFARI_UA }, false)).browser).toBe(
      'Not a supported browser.',
    );
    expect(detectBrowser(scope(undefined)).browser).toBe('Not a browser.');
  });
});
