import type { Page } from 'playwright-core';
import type { TestWindow } from './page-globals.js';

/**
 * From getStats of every live RTCPeerConnection of the page: the candidate types of
 * each selected pair, and of every candidate either side ever offered.
 */
export function candidateTypes(page: Page) {
  return page.evaluate(async () => {
    const w = window as unknown as TestWindow;
    const pairs: { local: unknown; remote: unknown }[] = [];
    const offered: { local: unknown[]; remote: unknown[] } = { local: [], remote: [] };
    for (const pc of w.__bbPeerConnections) {
      if (pc.connectionState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((entry) => {
        if (entry.type === 'transport' && entry.selectedCandidatePairId) {
          const pair = report.get(entry.selectedCandidatePairId);
          pairs.push({
            local: report.get(pair?.localCandidateId)?.candidateType,
            remote: report.get(pair?.remoteCandidateId)?.candidateType,
          });
        }
        if (entry.type === 'local-candidate') offered.local.push(entry.candidateType);
        if (entry.type === 'remote-candidate') offered.remote.push(entry.candidateType);
      });
    }
    return { pairs, offered };
  });
}
