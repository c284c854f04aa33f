import { sha256 } from '@noble/hashes/sha2.js';
import { normaliseFingerprint } from './transcript.js';

/** How often the stats are read while a DTLS transport has no remote certificate yet. */
const POLL_MS = 50;

/** The sha-256 fingerprint of a certificate this side generated. */
export function certificateFingerprint(certificate: RTCCertificate): string | undefined {
  const found = certificate.getFingerprints().find((entry) => entry.algorithm === 'sha-256');
  return found?.value === undefined ? undefined : normaliseFingerprint(found.value);
}

/**
 * Every `a=fingerprint` value of a session description (RFC 8122 section 5): sha-256
 * ones normalised, any other algorithm or malformed value as `unusable`. A description
 * may repeat it per media section.
 */
export function sdpFingerprints(sdp: string): string[] {
  const found: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const match = /^a=fingerprint:(\S+) (\S+)$/i.exec(line.trim());
    if (match === null) {
      continue;
    }
    const sha256 = match[1]?.toLowerCase() === 'sha-256';
    const value = sha256 && match[2] !== undefined ? normaliseFingerprint(match[2]) : undefined;
    found.push(value ?? 'unusable');
  }
  return found;
}

/**
 * True when the remote description names exactly `expected` as its sha-256 fingerprint
 * (and no other). The browser then refuses DTLS with any certificate but that one
 * (RFC 8842 section 5), so nobody else can complete the handshake.
 */
export function remoteDescriptionPresents(pc: RTCPeerConnection, expected: string): boolean {
  const sdp = pc.remoteDescription?.sdp;
  if (sdp === undefined) {
    return false;
  }
  const values = sdpFingerprints(sdp);
  return values.length > 0 && values.every((value) => value === expected);
}

/** Both certificates of a connected DTLS transport, as getStats reports them. */
export interface ObservedFingerprints {
  readonly local: string;
  readonly remote: string;
}

/** `RTCDtlsTransport.getRemoteCertificates()` (W3C webrtc-pc 5.5), missing from TS's DOM types. */
interface DtlsTransportWithCertificates {
  readonly state: RTCDtlsTransportState;
  getRemoteCertificates?(): ArrayBuffer[];
}

function hexFingerprint(der: ArrayBuffer): string {
  return Array.from(sha256(new Uint8Array(der)), (byte) =>
    byte.toString(16).padStart(2, '0').toUpperCase(),
  ).join(':');
}

/**
 * Both fingerprints straight from the connection: the remote certificate the DTLS
 * transport holds and the one certificate the connection was configured with.
 */
function readFromTransport(pc: RTCPeerConnection): ObservedFingerprints | undefined {
  const transports = [
    pc.sctp?.transport,
    ...pc.getSenders().map((sender) => sender.transport),
    ...pc.getReceivers().map((receiver) => receiver.transport),
  ].filter((transport) => transport !== null && transport !== undefined);
  const transport = transports[0] as DtlsTransportWithCertificates | undefined;
  const [der] = transport?.state === 'connected' ? (transport.getRemoteCertificates?.() ?? []) : [];
  const configured = pc.getConfiguration().certificates ?? [];
  const [own] = configured;
  const local =
    configured.length === 1 && own !== undefined ? certificateFingerprint(own) : undefined;
  return der === undefined || local === undefined
    ? undefined
    : { local, remote: hexFingerprint(der) };
}

async function readObserved(pc: RTCPeerConnection): Promise<ObservedFingerprints | undefined> {
  return (await readFromStats(pc)) ?? readFromTransport(pc);
}

async function readFromStats(pc: RTCPeerConnection): Promise<ObservedFingerprints | undefined> {
  const report = await pc.getStats();
  const certificates = new Map<string, string>();
  const pairs: { local: string; remote: string }[] = [];
  report.forEach((entry: Record<string, unknown>) => {
    const id = entry['id'];
    if (entry['type'] === 'certificate' && typeof id === 'string') {
      const algorithm = entry['fingerprintAlgorithm'];
      const value = entry['fingerprint'];
      if (algorithm === 'sha-256' && typeof value === 'string') {
        certificates.set(id, value);
      }
    }
    const local = entry['localCertificateId'];
    const remote = entry['remoteCertificateId'];
    if (entry['type'] === 'transport' && typeof local === 'string' && typeof remote === 'string') {
      pairs.push({ local, remote });
    }
  });
  // One transport with bundling (RFC 9143); any second one must show the same pair.
  const observed = pairs.map(({ local, remote }) => ({
    local: normaliseFingerprint(certificates.get(local) ?? ''),
    remote: normaliseFingerprint(certificates.get(remote) ?? ''),
  }));
  const [first] = observed;
  if (first?.local === undefined || first.remote === undefined) {
    return undefined;
  }
  const same = observed.every((item) => item.local === first.local && item.remote === first.remote);
  return same ? { local: first.local, remote: first.remote } : undefined;
}

/**
 * The certificates the connection's DTLS transport actually negotiated, not the
 * description the signaller carried: getStats (`transport.localCertificateId` and
 * `remoteCertificateId`, W3C webrtc-stats section 7.19), or else the transport's
 * `getRemoteCertificates()` with the configured local certificate. Chromium 156 sometimes
 * leaves the remote certificate out of getStats, so the sources are read again until
 * `accept` takes what they show. At the deadline, or when the connection closes, the
 * last reading (or undefined) is returned for the caller to refuse.
 */
export async function observedFingerprints(
  pc: RTCPeerConnection,
  deadline: number,
  accept: (observed: ObservedFingerprints) => boolean,
): Promise<ObservedFingerprints | undefined> {
  let last: ObservedFingerprints | undefined;
  while (Date.now() < deadline && pc.connectionState !== 'closed') {
    last = await readObserved(pc);
    if (last !== undefined && accept(last)) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return last;
}
