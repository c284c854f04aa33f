import { describe, expect, it } from 'vitest';
import { WAIT_MS } from './support/frames.js';
import { useHarness } from './support/harness.js';
import type { TestWindow } from './support/page-globals.js';

const harness = useHarness();

/** Makes getUserMedia reject the way Chromium does, with the given DOMException name. */
function failingGetUserMedia(name: string): string {
  return `
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('refused in this test', ${JSON.stringify(name)}));
  `;
}

describe('<bb-session> when the camera cannot be used', () => {
  it.each([
    ['NotAllowedError', 'BB_ERR_MEDIA_PERMISSION_DENIED', /denied/],
    ['NotFoundError', 'BB_ERR_MEDIA_UNAVAILABLE', /No camera or microphone/],
  ])('%s ends in failed with %s and says so', async (name, code, message) => {
    const pageUrl = `${harness.site.origin}/session.html?signal=${encodeURIComponent(harness.signal.url)}`;
    const link = await harness.signal.createLink(pageUrl);
    const page = await harness.newPage(link.url, failingGetUserMedia(name));

    await page.waitForFunction(
      () => document.querySelector('bb-session')?.state === 'failed',
      null,
      {
        timeout: WAIT_MS,
      },
    );
    const status = page.locator('bb-session').locator('[part="status"]');
    expect(await status.innerText()).toMatch(message);
    expect(await status.getAttribute('data-code')).toBe(code);
    const events = await page.evaluate(() => (window as unknown as TestWindow).__bbEvents);
    expect(events).toContainEqual({
      type: 'bb-error',
      detail: expect.objectContaining({ code }),
    });
    // Nothing was left open: no live peer connection, and the key left the address bar.
    // (PeerJS's feature detection builds and closes one RTCPeerConnection when it loads;
    // it never gathers candidates, so only connections still open count.)
    const leftovers = await page.evaluate(() => ({
      hash: location.hash,
      openPeerConnections: (
        window as unknown as { __bbPeerConnections: RTCPeerConnection[] }
      ).__bbPeerConnections.filter((pc) => pc.signalingState !== 'closed').length,
    }));
    expect(leftovers).toEqual({ hash: '', openPeerConnections: 0 });
  });
});

describe('<bb-session> opened without a usable link', () => {
  // Counts camera requests, passing each on to the real getUserMedia.
  const countGetUserMedia = `
    window.__bbMediaRequests = 0;
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => {
      window.__bbMediaRequests += 1;
      return real(constraints);
    };
  `;

  it.each([
    ['no fragment at all', ''],
    ['a key cut short', '#k=AAECAwQFBgcICQoLDA0ODxAREhMUFRYX'],
  ])('with %s it fails with a link error and touches no device', async (_name, fragment) => {
    const pageUrl = `${harness.site.origin}/session.html?signal=${encodeURIComponent(harness.signal.url)}`;
    const page = await harness.newPage(`${pageUrl}${fragment}`, countGetUserMedia);
    await page.waitForFunction(
      () => document.querySelector('bb-session')?.state === 'failed',
      null,
      {
        timeout: WAIT_MS,
      },
    );
    const status = page.locator('bb-session').locator('[part="status"]');
    expect(await status.getAttribute('data-code')).toMatch(/^BB_ERR_LINK_(MALFORMED|KEY_INVALID)$/);
    expect(await status.innerText()).toMatch(/link/i);
    const touched = await page.evaluate(() => {
      const page = window as unknown as {
        __bbMediaRequests: number;
        __bbPeerConnections: RTCPeerConnection[];
      };
      return {
        mediaRequests: page.__bbMediaRequests,
        openPeerConnections: page.__bbPeerConnections.filter((pc) => pc.signalingState !== 'closed')
          .length,
      };
    });
    expect(touched).toEqual({ mediaRequests: 0, openPeerConnections: 0 });
  });
});
