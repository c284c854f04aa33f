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
