import type { Page } from 'playwright-core';
import type { SecuritySummary, TicketResponse } from '@bilateral-base/core';
import { describe, expect, it } from 'vitest';
import { WAIT_MS, expectVideoFlowing, framesDecoded } from './support/frames.js';
import { useHarness } from './support/harness.js';
import type { TestWindow } from './support/page-globals.js';

const harness = useHarness();

/**
 * Makes the page a receiver without the frame key: assigning `transform` to an
 * RTCRtpReceiver does nothing, so frames reach the decoder as they travel, which is
 * what a relay or anyone else holding the DTLS-SRTP keys would see. Senders keep theirs.
 */
const KEYLESS_RECEIVER = `
  Object.defineProperty(RTCRtpReceiver.prototype, 'transform', {
    configurable: true,
    get() { return null; },
    set() {},
  });
`;

/** A browser without encoded transforms: neither API exists on the page. */
const NO_ENCODED_TRANSFORMS = `
  delete window.RTCRtpScriptTransform;
  delete RTCRtpSender.prototype.createEncodedStreams;
  delete RTCRtpReceiver.prototype.createEncodedStreams;
`;

/** Chromium with only its older API: `createEncodedStreams()` but no RTCRtpScriptTransform. */
const LEGACY_ENCODED_STREAMS_ONLY = `
  delete window.RTCRtpScriptTransform;
`;

/**
 * Page helpers: `__bbShow(stream)` plays a stream in a new video element, and
 * `__bbGrid(video)` reads its current picture as a 32x24 grid of luma values (0-255).
 */
const PICTURE_HELPERS = `
  window.__bbShow = (stream) => {
    const video = document.createElement('video');
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.srcObject = stream;
    document.body.append(video);
    return video;
  };
  window.__bbGrid = (video) => {
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 24;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    context.drawImage(video, 0, 0, 32, 24);
    const { data } = context.getImageData(0, 0, 32, 24);
    const grid = [];
    for (let i = 0; i < data.length; i += 4) {
      grid.push(Math.round(0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]));
    }
    return grid;
  };
`;

interface PictureWindow extends TestWindow {
  __bbShow(stream: MediaStream): HTMLVideoElement;
  __bbGrid(video: HTMLVideoElement): number[];
  remoteVideo?: HTMLVideoElement;
  localVideo?: HTMLVideoElement;
}

async function startCall(
  linkUrl: string,
  ticket: TicketResponse | undefined,
  initScript = '',
): Promise<Page> {
  const page = await harness.newPage(
    `${harness.site.origin}/session.html`,
    PICTURE_HELPERS + initScript,
  );
  await page.evaluate(
    async ({ signalUrl, linkUrl, ticket }) => {
      const w = window as unknown as PictureWindow;
      const call = new w.bb.SessionCall(
        ticket === undefined
          ? { signalUrl, link: linkUrl }
          : { signalUrl, link: linkUrl, hostTicket: ticket },
      );
      w.call = call;
      call.on('localstream', ({ stream }) => {
        w.localVideo = w.__bbShow(stream);
      });
      call.on('remotestream', ({ stream }) => {
        w.remoteVideo = w.__bbShow(stream);
      });
      await call.join().catch(() => undefined);
    },
    { signalUrl: harness.signal.url, linkUrl, ticket },
  );
  return page;
}

async function meet(clientInit = ''): Promise<{ host: Page; client: Page }> {
  const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
  const client = await startCall(link.url, undefined, clientInit);
  const host = await startCall(link.url, await harness.signal.hostTicket(link.roomId));
  for (const page of [host, client]) {
    await page.waitForFunction(
      () => (window as unknown as TestWindow).call?.state === 'connected',
      null,
      {
        timeout: WAIT_MS,
      },
    );
  }
  return { host, client };
}

function summary(page: Page): Promise<SecuritySummary> {
  return page.evaluate(() => (window as unknown as TestWindow).call!.getSecuritySummary());
}

/** The page's current remote picture, once its video element has one. */
async function remoteGrid(page: Page): Promise<number[]> {
  await page.waitForFunction(
    () => ((window as unknown as PictureWindow).remoteVideo?.readyState ?? 0) >= 2,
    null,
    { timeout: WAIT_MS },
  );
  return page.evaluate(() => {
    const w = window as unknown as PictureWindow;
    return w.__bbGrid(w.remoteVideo!);
  });
}

async function localGrid(page: Page): Promise<number[]> {
  // A video element shows nothing until its first frame is decoded.
  await page.waitForFunction(
    () => ((window as unknown as PictureWindow).localVideo?.readyState ?? 0) >= 2,
    null,
    { timeout: WAIT_MS },
  );
  return page.evaluate(() => {
    const w = window as unknown as PictureWindow;
    return w.__bbGrid(w.localVideo!);
  });
}

/** Mean absolute difference of two luma grids: 0 for equal pictures, up to 255. */
function difference(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + Math.abs(value - (b[index] ?? 0)), 0) / a.length;
}

/**
 * The smallest difference between the receiver's picture and the sender's camera over a
 * few samples, so the fake camera's movement between two reads does not count.
 */
async function closestToSender(receiver: Page, sender: Page): Promise<number> {
  let closest = Number.POSITIVE_INFINITY;
  for (let sample = 0; sample < 5; sample += 1) {
    const [seen, sent] = await Promise.all([remoteGrid(receiver), localGrid(sender)]);
    // The camera pattern is not blank, so two blank pictures cannot pass as equal.
    expect(spread(sent)).toBeGreaterThan(40);
    closest = Math.min(closest, difference(seen, sent));
    await receiver.waitForTimeout(200);
  }
  return closest;
}

/** The spread of a grid's luma: near 0 for a blank picture, large for the camera pattern. */
function spread(grid: readonly number[]): number {
  return Math.max(...grid) - Math.min(...grid);
}

/** Inbound video frames that arrived (whole, before decoding) over the page's connections. */
function framesReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let total = 0;
    for (const pc of (window as unknown as TestWindow).__bbPeerConnections) {
      if (pc.connectionState === 'closed') {
        continue;
      }
      (await pc.getStats()).forEach((entry: Record<string, unknown>) => {
        if (entry['type'] === 'inbound-rtp' && entry['kind'] === 'video') {
          total += Number(entry['framesReceived'] ?? 0);
        }
      });
    }
    return total;
  });
}

/** The host shares its screen; both ends of the share are shown as the cameras are. */
async function shareHostScreen(host: Page, client: Page): Promise<void> {
  await host.evaluate(() => (window as unknown as TestWindow).call!.startScreenShare());
  await client.waitForFunction(
    () => (window as unknown as TestWindow).call?.remoteScreenStream !== undefined,
    null,
    { timeout: WAIT_MS },
  );
  await host.evaluate(() => {
    const w = window as unknown as PictureWindow;
    w.localVideo = w.__bbShow(w.call!.localScreenStream!);
  });
  await client.evaluate(() => {
    const w = window as unknown as PictureWindow;
    w.remoteVideo = w.__bbShow(w.call!.remoteScreenStream!);
  });
}

/** A threshold far from both: the same picture differs by a few levels, noise by dozens. */
const RECOGNISABLE = 12;

describe('frame encryption in real Chromium', () => {
  it('an honest call encrypts every frame both ways and both sides see the picture', async () => {
    const { host, client } = await meet();
    await expectVideoFlowing(host);
    await expectVideoFlowing(client);
    const differences = [await closestToSender(client, host), await closestToSender(host, client)];
    const summaries = [await summary(host), await summary(client)];
    for (const seen of summaries) {
      expect(seen.verified).toBe(true);
      expect(seen.frameEncryption).toBe('on');
      expect(seen.frameTransform).toBe('script-transform');
      expect(seen.framesDecrypted).toBeGreaterThan(0);
      expect(seen.framesRejected).toBe(0);
    }
    console.log(`honest receivers: picture difference ${differences.map((d) => d.toFixed(1))}`);
    for (const value of differences) {
      expect(value).toBeLessThan(RECOGNISABLE);
    }
  });

  it('a receiver without the frame key decodes no recognisable picture', async () => {
    const { host, client } = await meet(KEYLESS_RECEIVER);
    // The host decrypts the client's frames as usual: only the keyless side is blind.
    await expectVideoFlowing(host);
    expect(await closestToSender(host, client)).toBeLessThan(RECOGNISABLE);

    // The keyless side gets ciphertext behind clear VP8 headers. Chromium either refuses
    // to decode it or decodes noise; neither may look like the host's camera.
    let decoded = 0;
    const deadline = Date.now() + 4_000;
    while (Date.now() < deadline) {
      decoded = Math.max(decoded, await framesDecoded(client));
      await client.waitForTimeout(250);
    }
    const hasPicture = await client.evaluate(
      () => ((window as unknown as PictureWindow).remoteVideo?.videoWidth ?? 0) > 0,
    );
    let closest = Number.POSITIVE_INFINITY;
    if (hasPicture) {
      closest = await closestToSender(client, host);
    }
    console.log(
      `keyless receiver: ${decoded} frames decoded, picture ${hasPicture ? 'shown' : 'none'}, ` +
        `difference ${closest.toFixed(1)}`,
    );
    // The frames did arrive: only decoding them failed.
    expect(await framesReceived(client)).toBeGreaterThan(0);
    expect(decoded === 0 || closest > RECOGNISABLE).toBe(true);
    if (decoded > 0) {
      expect(closest).toBeGreaterThan(RECOGNISABLE);
    }
    const hostSummary = await summary(host);
    expect(hostSummary.frameEncryption).toBe('on');
    expect(hostSummary.framesDecrypted).toBeGreaterThan(0);
  });

  it('encrypts the screen-share connection too: the receiver with the key sees the screen', async () => {
    const { host, client } = await meet();
    await shareHostScreen(host, client);
    expect(await closestToSender(client, host)).toBeLessThan(RECOGNISABLE);
    expect((await summary(client)).framesRejected).toBe(0);
  });

  it('a receiver without the frame key decodes none of the shared screen', async () => {
    const { host, client } = await meet(KEYLESS_RECEIVER);
    await shareHostScreen(host, client);
    await client.waitForTimeout(3000);
    const screen = await client.evaluate(async () => {
      const w = window as unknown as PictureWindow;
      const trackId = w.call!.remoteScreenStream!.getVideoTracks()[0]?.id;
      let received = 0;
      let decoded = 0;
      for (const pc of w.__bbPeerConnections) {
        (await pc.getStats()).forEach((entry: Record<string, unknown>) => {
          if (entry['type'] === 'inbound-rtp' && entry['trackIdentifier'] === trackId) {
            received += Number(entry['framesReceived'] ?? 0);
            decoded += Number(entry['framesDecoded'] ?? 0);
          }
        });
      }
      return { received, decoded, width: w.remoteVideo!.videoWidth };
    });
    const closest = screen.width > 0 ? await closestToSender(client, host) : Infinity;
    console.log(`keyless screen: ${JSON.stringify(screen)}, difference ${closest.toFixed(1)}`);
    expect(screen.received).toBeGreaterThan(0);
    expect(screen.decoded === 0 || closest > RECOGNISABLE).toBe(true);
  });

  it('runs on Chromium’s older encoded-streams API where RTCRtpScriptTransform is missing', async () => {
    const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
    const client = await startCall(link.url, undefined, LEGACY_ENCODED_STREAMS_ONLY);
    const host = await startCall(
      link.url,
      await harness.signal.hostTicket(link.roomId),
      LEGACY_ENCODED_STREAMS_ONLY,
    );
    for (const page of [host, client]) {
      await page.waitForFunction(
        () => (window as unknown as TestWindow).call?.state === 'connected',
        null,
        { timeout: WAIT_MS },
      );
    }
    await expectVideoFlowing(host);
    await expectVideoFlowing(client);
    expect(await closestToSender(client, host)).toBeLessThan(RECOGNISABLE);
    expect(await closestToSender(host, client)).toBeLessThan(RECOGNISABLE);
    for (const page of [host, client]) {
      const seen = await summary(page);
      expect(seen.frameEncryption).toBe('on');
      expect(seen.frameTransform).toBe('encoded-streams');
      expect(seen.framesDecrypted).toBeGreaterThan(0);
      expect(seen.framesRejected).toBe(0);
    }
  });

  it('a call made with frame encryption off says so, and frames flow unencrypted', async () => {
    const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
    const pages: Page[] = [];
    for (const ticket of [undefined, await harness.signal.hostTicket(link.roomId)]) {
      const page = await harness.newPage(`${harness.site.origin}/session.html`, PICTURE_HELPERS);
      await page.evaluate(
        async ({ signalUrl, linkUrl, ticket }) => {
          const w = window as unknown as PictureWindow;
          const options = { signalUrl, link: linkUrl, frameEncryption: 'off' as const };
          w.call = new w.bb.SessionCall(
            ticket === undefined ? options : { ...options, hostTicket: ticket },
          );
          await w.call.join().catch(() => undefined);
        },
        { signalUrl: harness.signal.url, linkUrl: link.url, ticket },
      );
      pages.push(page);
    }
    for (const page of pages) {
      await expectVideoFlowing(page);
      const seen = await summary(page);
      expect(seen.verified).toBe(true);
      expect(seen.frameEncryption).toBe('off');
      expect(seen.frameTransform).toBeUndefined();
      expect(seen.framesDecrypted).toBe(0);
    }
  });

  it('where one browser has no encoded transforms, the call still works and says so', async () => {
    const { host, client } = await meet(NO_ENCODED_TRANSFORMS);
    await expectVideoFlowing(host);
    await expectVideoFlowing(client);
    expect(await closestToSender(client, host)).toBeLessThan(RECOGNISABLE);
    for (const page of [host, client]) {
      const seen = await summary(page);
      expect(seen.verified).toBe(true);
      expect(seen.frameEncryption).toBe('unsupported');
      expect(seen.framesDecrypted).toBe(0);
      expect(seen.framesRejected).toBe(0);
    }
  });

  it('<bb-session> shows frame encryption on, or a plain sentence where it is unavailable', async () => {
    for (const clientInit of ['', NO_ENCODED_TRANSFORMS]) {
      const clientUrl = `${harness.site.origin}/session.html?signal=${encodeURIComponent(harness.signal.url)}`;
      const link = await harness.signal.createLink(clientUrl);
      const ticket = await harness.signal.hostTicket(link.roomId);
      const host = await harness.newPage(`${harness.site.origin}/session.html`);
      await host.evaluate(
        ({ signalUrl, link, hostTicket }) => {
          const element = document.createElement('bb-session');
          element.signalUrl = signalUrl;
          element.link = link;
          element.hostTicket = hostTicket;
          document.body.append(element);
        },
        { signalUrl: harness.signal.url, link: link.url, hostTicket: ticket },
      );
      const client = await harness.newPage(link.url, clientInit);
      const expected = clientInit === '' ? 'on' : 'unsupported';
      for (const page of [host, client]) {
        const part = page.locator('bb-session').locator('[part="security-summary"]');
        await part.and(page.locator(`[data-frame-encryption="${expected}"]`)).waitFor({
          timeout: WAIT_MS,
        });
        const notice = page.locator('bb-session').locator('[part="frame-encryption-notice"]');
        if (expected === 'on') {
          expect(await part.innerText()).toContain('frame encryption on');
          expect(await notice.isVisible()).toBe(false);
        } else {
          expect(await notice.innerText()).toContain('extra layer of encryption');
          expect(await notice.isVisible()).toBe(true);
        }
      }
      await harness.closePages();
    }
  });
});
