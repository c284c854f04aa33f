import type { Page } from 'playwright-core';

/** Every wait in the browser tests is bounded by this. */
export const WAIT_MS = 20_000;

/** Sum of inbound video framesDecoded over every RTCPeerConnection of the page. */
export function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(() => {
    const read = (window as unknown as { __bbFramesDecoded: () => Promise<number> })
      .__bbFramesDecoded;
    return read();
  });
}

/**
 * Waits until the page decodes remote video, then checks the count grows between two
 * samples (the fake camera draws a moving pattern at 20 fps, so a live stream always
 * yields new frames). Returns both samples.
 */
export async function expectVideoFlowing(page: Page): Promise<[number, number]> {
  const deadline = Date.now() + WAIT_MS;
  let first = 0;
  while (Date.now() < deadline) {
    first = await framesDecoded(page);
    if (first > 0) {
      break;
    }
    await page.waitForTimeout(100);
  }
  if (first === 0) {
    throw new Error(`no remote video frame decoded within ${WAIT_MS} ms`);
  }
  let second = first;
  while (Date.now() < deadline && second <= first) {
    await page.waitForTimeout(250);
    second = await framesDecoded(page);
  }
  return [first, second];
}

/** Median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One inbound video stream of a page, from getStats `inbound-rtp`. */
export interface InboundVideo {
  /** The id of the receiving MediaStreamTrack (`trackIdentifier`). */
  readonly trackId: string;
  readonly framesDecoded: number;
  readonly frameWidth: number | undefined;
  readonly frameHeight: number | undefined;
}

/**
 * Every inbound video stream over the page's open RTCPeerConnections, so a test can tell
 * the screen share from the camera by the track it arrives on.
 */
export function inboundVideo(page: Page): Promise<InboundVideo[]> {
  return page.evaluate(async () => {
    const connections = (window as unknown as { __bbPeerConnections: RTCPeerConnection[] })
      .__bbPeerConnections;
    const found: InboundVideo[] = [];
    for (const pc of connections) {
      if (pc.connectionState === 'closed') {
        continue;
      }
      const report = await pc.getStats();
      report.forEach((entry: Record<string, unknown>) => {
        if (entry['type'] === 'inbound-rtp' && entry['kind'] === 'video') {
          found.push({
            trackId: String(entry['trackIdentifier']),
            framesDecoded: Number(entry['framesDecoded'] ?? 0),
            frameWidth: entry['frameWidth'] as number | undefined,
            frameHeight: entry['frameHeight'] as number | undefined,
          });
        }
      });
    }
    return found;
  });
}
