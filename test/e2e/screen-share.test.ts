import type { Page } from 'playwright-core';
import type { SessionLink, TicketResponse } from '@bilateral-base/core';
import { describe, expect, it } from 'vitest';
import { WAIT_MS, expectVideoFlowing, inboundVideo, type InboundVideo } from './support/frames.js';
import { useHarness } from './support/harness.js';
import type { TestWindow } from './support/page-globals.js';

// Screen sharing between two real Chromium pages through bb-signal. With
// --use-fake-ui-for-media-stream the picker is accepted at once: a whole-surface request
// gets Chromium's fake 1280x720 screen, a request for this tab gets the calling tab.

const harness = useHarness();

const ELEMENT_COLOUR = [200, 30, 30] as const;

async function startCall(link: SessionLink, hostTicket?: TicketResponse): Promise<Page> {
  const page = await harness.newPage(`${harness.site.origin}/session.html`);
  await page.evaluate(
    async ({ signalUrl, linkUrl, ticket }) => {
      const w = window as unknown as TestWindow;
      const call = new w.bb.SessionCall(
        ticket === undefined
          ? { signalUrl, link: linkUrl }
          : { signalUrl, link: linkUrl, hostTicket: ticket },
      );
      w.call = call;
      w.shareStates = [];
      call.on('screenshare', ({ state }) => w.shareStates?.push(state));
      await call.join();
    },
    { signalUrl: harness.signal.url, linkUrl: link.url, ticket: hostTicket },
  );
  return page;
}

/** A connected host and client, with camera video flowing both ways. */
async function connectedPair(): Promise<{ host: Page; client: Page }> {
  const link = await harness.signal.createLink(`${harness.site.origin}/session.html`);
  const host = await startCall(link, await harness.signal.hostTicket(link.roomId));
  const client = await startCall(link);
  for (const page of [host, client]) {
    await page.waitForFunction(
      () => (window as unknown as TestWindow).call?.state === 'connected',
      null,
      {
        timeout: WAIT_MS,
      },
    );
  }
  await expectVideoFlowing(client);
  return { host, client };
}

function waitForShareState(page: Page, state: string): Promise<unknown> {
  return page.waitForFunction(
    (s) => (window as unknown as TestWindow).call?.screenShareState === s,
    state,
    { timeout: WAIT_MS },
  );
}

/** The track ids of the receiving page's camera and screen streams. */
function receivedTrackIds(page: Page): Promise<{ camera: string[]; screen: string[] }> {
  return page.evaluate(() => {
    const call = (window as unknown as TestWindow).call;
    const ids = (stream: MediaStream | undefined) =>
      stream?.getVideoTracks().map((track) => track.id) ?? [];
    return { camera: ids(call?.remoteStream), screen: ids(call?.remoteScreenStream) };
  });
}

function pick(stats: readonly InboundVideo[], trackIds: readonly string[]): InboundVideo {
  const found = stats.find((entry) => trackIds.includes(entry.trackId));
  if (found === undefined) {
    throw new Error(`no inbound video for tracks ${trackIds.join(', ')}`);
  }
  return found;
}

/** Samples the screen and camera inbound streams until the screen has decoded frames. */
async function screenFlowing(page: Page): Promise<{ screen: InboundVideo; camera: InboundVideo }> {
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; Date.now() < deadline && attempt < 200; attempt += 1) {
    const ids = await receivedTrackIds(page);
    if (ids.screen.length > 0) {
      const stats = await inboundVideo(page);
      const screen = stats.find((entry) => ids.screen.includes(entry.trackId));
      if (screen !== undefined && screen.framesDecoded > 0) {
        return { screen, camera: pick(stats, ids.camera) };
      }
    }
    await page.waitForTimeout(100);
  }
  throw new Error('the shared screen decoded no frame in time');
}

/** The screen's framesDecoded now, by the track the screen arrives on. */
async function screenFrames(page: Page, trackIds: readonly string[]): Promise<number> {
  return pick(await inboundVideo(page), trackIds).framesDecoded;
}

/** Waits until `read` exceeds `than`, bounded; returns the last value. */
async function grows(page: Page, read: () => Promise<number>, than: number): Promise<number> {
  let value = await read();
  for (let attempt = 0; value <= than && attempt < 80; attempt += 1) {
    await page.waitForTimeout(250);
    value = await read();
  }
  return value;
}

describe('screen sharing in real Chromium through bb-signal', () => {
  it('the host shares the fake screen: 1280x720 decodes beside the flowing camera', async () => {
    const { host, client } = await connectedPair();
    await host.evaluate(() => (window as unknown as TestWindow).call!.startScreenShare());
    await Promise.all([waitForShareState(host, 'local'), waitForShareState(client, 'remote')]);

    const first = await screenFlowing(client);
    expect([first.screen.frameWidth, first.screen.frameHeight]).toEqual([1280, 720]);
    const ids = await receivedTrackIds(client);
    const stats = await inboundVideo(client);
    const later = {
      screen: await grows(
        client,
        () => screenFrames(client, ids.screen),
        first.screen.framesDecoded,
      ),
      camera: await grows(
        client,
        async () => pick(await inboundVideo(client), ids.camera).framesDecoded,
        first.camera.framesDecoded,
      ),
    };
    expect(stats.length).toBeGreaterThanOrEqual(2);
    expect(later.screen).toBeGreaterThan(first.screen.framesDecoded);
    expect(later.camera).toBeGreaterThan(first.camera.framesDecoded);
    // The camera stream is a different track from the screen: the face stays visible.
    expect(ids.camera.some((id) => ids.screen.includes(id))).toBe(false);

    // One share at a time: the client is refused while the host shares.
    const refused = await client.evaluate(() =>
      (window as unknown as TestWindow).call!.startScreenShare().then(
        () => 'started',
        (error: { code?: string }) => error.code,
      ),
    );
    expect(refused).toBe('BB_ERR_SHARE_BUSY');

    await host.evaluate(() => (window as unknown as TestWindow).call!.stopScreenShare());
    await waitForShareState(client, 'none');
    expect(await client.evaluate(() => (window as unknown as TestWindow).call?.state)).toBe(
      'connected',
    );
  });

  it.each(['element-capture', 'region-capture'] as const)(
    'the host shares one element of its page with %s; the client gets its size and colour',
    async (wanted) => {
      const { host, client } = await connectedPair();
      const api = await host.evaluate(
        ({ colour, wanted }) => {
          if (wanted === 'region-capture') {
            // Hides Element Capture, as in a Chromium from before it shipped.
            Reflect.deleteProperty(window, 'RestrictionTarget');
          }
          // Tab capture yields frames only when the page repaints, so a small corner of
          // the panel keeps animating; the centre stays the panel's colour.
          const style = document.createElement('style');
          style.textContent =
            '@keyframes bb-blink { from { opacity: 1 } to { opacity: 0.2 } }' +
            '#worksheet { position: fixed; left: 40px; top: 40px; width: 320px; height: 200px;' +
            ` background: rgb(${colour.join(', ')}); isolation: isolate; transform-style: flat; }` +
            '#worksheet i { position: absolute; left: 4px; top: 4px; width: 8px; height: 8px;' +
            ' background: #fff; animation: bb-blink 0.1s infinite alternate; }';
          const panel = document.createElement('div');
          panel.id = 'worksheet';
          panel.append(document.createElement('i'));
          document.head.append(style);
          document.body.append(panel);
          return (window as unknown as TestWindow).bb.elementCaptureApi();
        },
        { colour: ELEMENT_COLOUR, wanted },
      );
      expect(api).toBe(wanted);

      await host.evaluate(() =>
        (window as unknown as TestWindow).call!.startScreenShare({
          element: document.getElementById('worksheet')!,
        }),
      );
      await waitForShareState(client, 'remote');
      const used = await host.evaluate(
        () => (window as unknown as TestWindow).call!.screenShareElementCapture,
      );
      expect(used).toBe(wanted);

      const { screen } = await screenFlowing(client);
      const ids = await receivedTrackIds(client);
      await grows(client, () => screenFrames(client, ids.screen), screen.framesDecoded + 5);
      const sized = pick(await inboundVideo(client), ids.screen);
      expect([sized.frameWidth, sized.frameHeight]).toEqual([320, 200]);

      const pixel = await client.evaluate(async () => {
        const stream = (window as unknown as TestWindow).call!.remoteScreenStream!;
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = stream;
        await video.play();
        const canvas = document.createElement('canvas');
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const context = canvas.getContext('2d')!;
        context.drawImage(video, 0, 0);
        const data = context.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data;
        return { size: [video.videoWidth, video.videoHeight], rgb: [data[0], data[1], data[2]] };
      });
      expect(pixel.size).toEqual([320, 200]);
      // A lossy codec moves colours a little; 24 per channel still tells red from anything else.
      pixel.rgb.forEach((value, channel) => {
        expect(Math.abs((value ?? 0) - ELEMENT_COLOUR[channel]!)).toBeLessThanOrEqual(24);
      });
    },
  );

  it('without Element or Region Capture (Firefox, Safari) element sharing is refused', async () => {
    const { host, client } = await connectedPair();
    const outcome = await host.evaluate(async () => {
      Reflect.deleteProperty(window, 'RestrictionTarget');
      Reflect.deleteProperty(window, 'CropTarget');
      const call = (window as unknown as TestWindow).call!;
      const code = await call.startScreenShare({ element: document.body }).then(
        () => 'started',
        (error: { code?: string }) => error.code,
      );
      return { code, share: call.screenShareState, state: call.state };
    });
    expect(outcome).toEqual({
      code: 'BB_ERR_SHARE_UNSUPPORTED',
      share: 'none',
      state: 'connected',
    });
    expect(
      await client.evaluate(() => (window as unknown as TestWindow).call!.screenShareState),
    ).toBe('none');
  });

  it('pause stops the frames, the other side shows paused; resume restores them', async () => {
    const { host, client } = await connectedPair();
    await host.evaluate(() => (window as unknown as TestWindow).call!.startScreenShare());
    await screenFlowing(client);
    const ids = await receivedTrackIds(client);

    await host.evaluate(() => (window as unknown as TestWindow).call!.pauseScreenShare());
    await waitForShareState(client, 'remote-paused');
    expect(
      await host.evaluate(() => (window as unknown as TestWindow).call!.screenShareState),
    ).toBe('local-paused');
    // Frames already on the wire may still arrive; after that nothing new does.
    await client.waitForTimeout(500);
    const pausedAt = await screenFrames(client, ids.screen);
    await client.waitForTimeout(1500);
    expect(await screenFrames(client, ids.screen)).toBe(pausedAt);
    const sending = await host.evaluate(
      () => (window as unknown as TestWindow).call!.localScreenStream!.getVideoTracks()[0]!.enabled,
    );
    expect(sending).toBe(false);

    await host.evaluate(() => (window as unknown as TestWindow).call!.resumeScreenShare());
    await waitForShareState(client, 'remote');
    expect(await grows(client, () => screenFrames(client, ids.screen), pausedAt)).toBeGreaterThan(
      pausedAt,
    );
  });

  it("the host stops the client's share; the client cannot stop the host's", async () => {
    const { host, client } = await connectedPair();
    const clientAsks = await client.evaluate(() => {
      try {
        (window as unknown as TestWindow).call!.requestRemoteShareStop();
        return 'asked';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    });
    expect(clientAsks).toBe('BB_ERR_CALL_STATE');
    await client.evaluate(() => (window as unknown as TestWindow).call!.startScreenShare());
    await waitForShareState(host, 'remote');
    await host.evaluate(() => (window as unknown as TestWindow).call!.requestRemoteShareStop());
    await Promise.all([waitForShareState(host, 'none'), waitForShareState(client, 'none')]);
    const released = await client.evaluate(() => {
      const call = (window as unknown as TestWindow).call!;
      return { stream: call.localScreenStream, state: call.state };
    });
    expect(released).toEqual({ stream: undefined, state: 'connected' });
  });

  it("the browser's own stop ends the share on both sides and the camera goes on", async () => {
    const { host, client } = await connectedPair();
    await client.evaluate(() => (window as unknown as TestWindow).call!.startScreenShare());
    await waitForShareState(host, 'remote');
    await screenFlowing(host);

    await client.evaluate(() => {
      const track = (window as unknown as TestWindow).call!.localScreenStream!.getVideoTracks()[0]!;
      // The browser's "Stop sharing" ends the track and fires `ended` (Media Capture and
      // Streams, "track ended by the User Agent"); stop() from script ends it without the
      // event, so the test fires it as the browser would.
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    await Promise.all([waitForShareState(client, 'none'), waitForShareState(host, 'none')]);
    const after = await host.evaluate(() => {
      const w = window as unknown as TestWindow;
      return {
        state: w.call?.state,
        screen: w.call?.remoteScreenStream,
        shareStates: w.shareStates,
      };
    });
    expect(after).toEqual({
      state: 'connected',
      screen: undefined,
      shareStates: ['remote', 'none'],
    });
    const [before, later] = await expectVideoFlowing(host);
    expect(later).toBeGreaterThan(before);
  });
});

function part(page: Page, name: string) {
  return page.locator('bb-session').locator(`[part~="${name}"]`);
}

async function openSession(url: string, hostTicket?: TicketResponse, link?: string): Promise<Page> {
  const page = await harness.newPage(url);
  if (hostTicket !== undefined) {
    await page.evaluate(
      ({ signalUrl, linkUrl, ticket }) => {
        const element = document.createElement('bb-session');
        element.signalUrl = signalUrl;
        element.link = linkUrl;
        element.hostTicket = ticket;
        document.body.append(element);
      },
      { signalUrl: harness.signal.url, linkUrl: link, ticket: hostTicket },
    );
  }
  await page.waitForFunction(
    () => document.querySelector('bb-session')?.state === 'connected',
    null,
    {
      timeout: WAIT_MS,
    },
  );
  return page;
}

describe('screen sharing in <bb-session>', () => {
  it('share, preview, pause, fit, stop: the other side follows', async () => {
    const signal = encodeURIComponent(harness.signal.url);
    const clientUrl = `${harness.site.origin}/session.html?signal=${signal}`;
    const link = await harness.signal.createLink(clientUrl);
    const hostTicket = await harness.signal.hostTicket(link.roomId);
    const [host, client] = await Promise.all([
      openSession(`${harness.site.origin}/session.html`, hostTicket, link.url),
      openSession(link.url),
    ]);
    // No shareElement on either page: the part-of-page choice stays hidden.
    expect(await part(host, 'share-element-button').isHidden()).toBe(true);

    await part(host, 'share-button').click();
    await part(client, 'share-video').waitFor({ state: 'visible', timeout: WAIT_MS });
    await part(host, 'share-preview').waitFor({ state: 'visible', timeout: WAIT_MS });
    // The preview shows exactly the track the screen connection sends.
    const previewSent = await host.evaluate(() => {
      const root = document.querySelector('bb-session')!.shadowRoot!;
      const preview = root.querySelector<HTMLVideoElement>('[part~="share-preview"]')!;
      const track = (preview.srcObject as MediaStream).getVideoTracks()[0]!;
      return (window as unknown as TestWindow).__bbPeerConnections.some((pc) =>
        pc.getSenders().some((sender) => sender.track === track),
      );
    });
    expect(previewSent).toBe(true);
    const receiving = await client.evaluate(() => {
      const root = document.querySelector('bb-session')!.shadowRoot!;
      const share = root.querySelector<HTMLVideoElement>('[part~="share-video"]')!;
      const camera = root.querySelector<HTMLVideoElement>('[part~="remote-video"]')!;
      return {
        stage: root.querySelector('[part~="stage"]')!.classList.contains('receiving'),
        shareWider: share.getBoundingClientRect().width > camera.getBoundingClientRect().width * 2,
        cameraPlaying: camera.srcObject !== null && !camera.paused,
      };
    });
    expect(receiving).toEqual({ stage: true, shareWider: true, cameraPlaying: true });
    await client.waitForFunction(
      () => {
        const root = document.querySelector('bb-session')!.shadowRoot!;
        return root.querySelector<HTMLVideoElement>('[part~="share-video"]')!.videoWidth === 1280;
      },
      null,
      { timeout: WAIT_MS },
    );

    await part(host, 'share-pause-button').click();
    await client.waitForFunction(
      () =>
        document
          .querySelector('bb-session')!
          .shadowRoot!.querySelector('[part~="share-paused"]')!
          .textContent!.includes('Paused by the other person'),
      null,
      { timeout: WAIT_MS },
    );
    expect(await part(client, 'share-paused').isVisible()).toBe(true);
    expect(await part(host, 'share-pause-button').getAttribute('aria-pressed')).toBe('true');
    await part(host, 'share-pause-button').click();
    await part(client, 'share-paused').waitFor({ state: 'hidden', timeout: WAIT_MS });

    const fit = part(client, 'share-fit-button');
    expect(await fit.getAttribute('aria-pressed')).toBe('false');
    await fit.click();
    expect(await fit.getAttribute('aria-pressed')).toBe('true');
    expect(
      await part(client, 'share-video').evaluate((video) => getComputedStyle(video).objectFit),
    ).toBe('cover');
    expect(await part(client, 'fullscreen-button').isVisible()).toBe(true);
    // Only the host may stop the other's share; the client has no such button.
    expect(await part(client, 'share-stop-remote-button').isHidden()).toBe(true);

    await part(host, 'share-stop-button').click();
    await part(client, 'share-video').waitFor({ state: 'hidden', timeout: WAIT_MS });
    const back = await client.evaluate(() =>
      document
        .querySelector('bb-session')!
        .shadowRoot!.querySelector('[part~="stage"]')!
        .classList.contains('receiving'),
    );
    expect(back).toBe(false);
    expect(await part(host, 'share-button').isEnabled()).toBe(true);
  });
});
