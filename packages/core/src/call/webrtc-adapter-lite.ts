/**
 * Stands in for `webrtc-adapter` in the self-contained `<bb-session>` bundle (see the
 * root rollup.config.mjs). PeerJS 1.5 imports the whole adapter, about 9 KB gzip, yet
 * reads only `browserDetails` from it, for its browser-support check. The adapter also
 * patches the page's RTCPeerConnection on load (its prototype's addEventListener, among
 * others), which every browser this SDK supports no longer needs and which an embedding
 * page should not inherit. This module detects the browser the way the adapter does and
 * patches nothing.
 */
export interface BrowserDetails {
  readonly browser: string;
  readonly version: number | null;
}

function versionIn(userAgent: string, pattern: RegExp, group: number): number | null {
  const match = pattern.exec(userAgent);
  const found = match?.[group];
  return found === undefined ? null : Number.parseInt(found, 10);
}

/** The adapter's own rules: Firefox by mozGetUserMedia, Chromium by webkitGetUserMedia. */
export function detectBrowser(scope: typeof globalThis): BrowserDetails {
  const navigatorLike = scope.navigator as
    (Navigator & { mozGetUserMedia?: unknown; webkitGetUserMedia?: unknown }) | undefined;
  if (navigatorLike === undefined) {
    return { browser: 'Not a browser.', version: null };
  }
  const userAgent = navigatorLike.userAgent;
  if (navigatorLike.mozGetUserMedia !== undefined) {
    return { browser: 'firefox', version: versionIn(userAgent, /Firefox\/(\d+)\./, 1) };
  }
  if (navigatorLike.webkitGetUserMedia !== undefined) {
    return { browser: 'chrome', version: versionIn(userAgent, /Chrom(e|ium)\/(\d+)\./, 2) };
  }
  if (typeof scope.RTCPeerConnection === 'function' && /AppleWebKit\/(\d+)\./.test(userAgent)) {
    return { browser: 'safari', version: versionIn(userAgent, /AppleWebKit\/(\d+)\./, 1) };
  }
  return { browser: 'Not a supported browser.', version: null };
}

const adapterLite = { browserDetails: detectBrowser(globalThis) };

export default adapterLite;
