/**
 * How the media of a call travels: `relayed` through a TURN server, or `direct`
 * between the two browsers (host or server-reflexive candidates on both ends).
 */
export type ConnectionPath = 'relayed' | 'direct';

/** How often, and how many times, a new connection's stats are read for its pair. */
const PROBE_INTERVAL_MS = 200;
const PROBE_ATTEMPTS = 25;

interface StatsEntry {
  readonly type: string;
  readonly [field: string]: unknown;
}

function findSelectedPair(report: RTCStatsReport): StatsEntry | undefined {
  const entries: StatsEntry[] = [];
  report.forEach((entry: StatsEntry) => entries.push(entry));
  // W3C webrtc-stats 7.7: the transport names its selected pair. Firefox has no
  // transport entry and marks the pair `selected` instead.
  const transport = entries.find(
    (entry) => entry.type === 'transport' && typeof entry['selectedCandidatePairId'] === 'string',
  );
  const byId = transport
    ? (report.get(transport['selectedCandidatePairId'] as string) as StatsEntry | undefined)
    : undefined;
  return (
    byId ?? entries.find((entry) => entry.type === 'candidate-pair' && entry['selected'] === true)
  );
}

/**
 * Reads the selected candidate pair of `pc` from getStats and says whether either end
 * of it is a relay candidate. Undefined while no pair is selected yet.
 */
export async function readConnectionPath(
  pc: RTCPeerConnection,
): Promise<ConnectionPath | undefined> {
  const report = await pc.getStats();
  const pair = findSelectedPair(report);
  if (pair === undefined) {
    return undefined;
  }
  const local = report.get(pair['localCandidateId'] as string) as StatsEntry | undefined;
  const remote = report.get(pair['remoteCandidateId'] as string) as StatsEntry | undefined;
  if (local === undefined || remote === undefined) {
    return undefined;
  }
  return local['candidateType'] === 'relay' || remote['candidateType'] === 'relay'
    ? 'relayed'
    : 'direct';
}

/**
 * Follows the path of the current media connection. `probe` is called whenever ICE
 * connects; a pair is usually selected a moment after that, so the stats are read a
 * bounded number of times until one is. Only a change is reported.
 */
export class ConnectionPathProbe {
  private generation = 0;
  private current: ConnectionPath | undefined;

  constructor(private readonly onChange: (path: ConnectionPath) => void) {}

  get path(): ConnectionPath | undefined {
    return this.current;
  }

  probe(pc: RTCPeerConnection | undefined): void {
    this.generation += 1;
    if (pc !== undefined) {
      void this.run(pc, this.generation);
    }
  }

  /** Forgets the path of a closed connection; a probe still running stops. */
  reset(): void {
    this.generation += 1;
    this.current = undefined;
  }

  private async run(pc: RTCPeerConnection, generation: number): Promise<void> {
    for (let attempt = 0; attempt < PROBE_ATTEMPTS; attempt += 1) {
      let path: ConnectionPath | undefined;
      try {
        path = await readConnectionPath(pc);
      } catch {
        return;
      }
      if (generation !== this.generation) {
        return;
      }
      if (path !== undefined) {
        if (path !== this.current) {
          this.current = path;
          this.onChange(path);
        }
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
  }
}
