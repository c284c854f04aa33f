import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Flags that make real WebRTC work in headless Debian Chromium as root (see
 * shared/BROWSER-TESTING.md): fake camera and microphone, no permission prompt, ICE on
 * loopback, autoplay without a gesture, and no background traffic to Google services.
 */
export const CHROMIUM_FLAGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--autoplay-policy=no-user-gesture-required',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(): string {
  return process.env.BB_CHROMIUM_PATH ?? '/usr/bin/chromium';
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}; install it with ` +
        '`apt-get install -y chromium` or set BB_CHROMIUM_PATH',
    );
  }
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * Records every RTCPeerConnection a page creates, so tests can read getStats without
 * reaching into PeerJS or the widget, and the ICE part of the configuration each was
 * given, with whether it ever started gathering candidates. Behaviour is unchanged: the
 * wrapper constructs the real class with the same arguments.
 */
const RECORD_PEER_CONNECTIONS = `
  (() => {
    const Native = window.RTCPeerConnection;
    const created = [];
    const configs = [];
    class Recorded extends Native {
      constructor(...args) {
        super(...args);
        const config = args[0] ?? {};
        const record = {
          iceServers: JSON.parse(JSON.stringify(config.iceServers ?? null)),
          iceTransportPolicy: config.iceTransportPolicy ?? null,
          gathered: false,
        };
        this.addEventListener('icegatheringstatechange', () => {
          if (this.iceGatheringState !== 'new') record.gathered = true;
        });
        created.push(this);
        configs.push(record);
      }
    }
    window.RTCPeerConnection = Recorded;
    window.__bbPeerConnections = created;
    window.__bbPeerConnectionConfigs = configs;
    window.__bbFramesDecoded = async () => {
      let total = 0;
      for (const pc of created) {
        if (pc.connectionState === 'closed') continue;
        const report = await pc.getStats();
        report.forEach((entry) => {
          if (entry.type === 'inbound-rtp' && entry.kind === 'video') {
            total += entry.framesDecoded ?? 0;
          }
        });
      }
      return total;
    };
    // Polls from the moment the page starts joining until the first remote frame is
    // decoded, inside the page, so the figure does not include test-runner round trips.
    window.__bbStartClock = () => {
      const started = performance.now();
      window.__bbJoinStartedAt = started;
      const tick = async () => {
        if ((await window.__bbFramesDecoded()) > 0) {
          window.__bbFirstFrameAt = performance.now();
        } else if (performance.now() - started < 30000) {
          setTimeout(tick, 20);
        }
      };
      void tick();
    };
  })();
`;

/** A fresh context (its own storage and permissions) with one instrumented page. */
export async function openPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript({ content: RECORD_PEER_CONNECTIONS });
  page.on('pageerror', (error) => console.error('[page error]', error.message));
  return { context, page };
}
