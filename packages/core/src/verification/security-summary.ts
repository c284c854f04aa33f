import type { FrameTransformKind } from '../e2ee/support.js';

/**
 * Whether frames are encrypted end to end on top of DTLS-SRTP: `on`; `off` when the call
 * was made with `frameEncryption: 'off'` or before the proof passed; `unsupported` when
 * this browser, or the other participant's, has no encoded transforms (or the page's
 * Content-Security-Policy forbids the worker), so only DTLS-SRTP and the fingerprint
 * proof protect the media.
 */
export type FrameEncryptionState = 'on' | 'off' | 'unsupported';

/** Frame encryption's part of the summary, as the call's verification knows it. */
export interface FrameEncryptionStatus {
  readonly state: FrameEncryptionState;
  readonly transform: FrameTransformKind | undefined;
  readonly decrypted: number;
  readonly rejected: number;
}

/** What protects the current media connection, from its getStats `transport` entry. */
export interface SecuritySummary {
  /** For example `FEFD` (DTLS 1.2) as Chromium reports it; undefined before the handshake. */
  readonly dtlsVersion: string | undefined;
  /** The DTLS cipher suite, for example `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`. */
  readonly dtlsCipher: string | undefined;
  /** The SRTP protection profile, for example `AEAD_AES_128_GCM`. */
  readonly srtpCipher: string | undefined;
  /** True once the fingerprint proof passed for this session. */
  readonly verified: boolean;
  /** AES-256-GCM frame encryption with keys from the proof (see docs/security.md). */
  readonly frameEncryption: FrameEncryptionState;
  /**
   * The browser API frames are encrypted through: `script-transform`
   * (RTCRtpScriptTransform) or `encoded-streams` (Chromium's older API); undefined when off.
   */
  readonly frameTransform: FrameTransformKind | undefined;
  /** Received frames that decrypted and authenticated, over every connection of the call. */
  readonly framesDecrypted: number;
  /**
   * Received frames dropped because they did not decrypt. A count that keeps rising means
   * someone sends frames without the session's key.
   */
  readonly framesRejected: number;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads the summary from `pc` (the camera call's connection, or none yet). */
export async function readSecuritySummary(
  pc: RTCPeerConnection | undefined,
  verified: boolean,
  frames: FrameEncryptionStatus,
): Promise<SecuritySummary> {
  let transport: Record<string, unknown> | undefined;
  if (pc !== undefined && pc.connectionState !== 'closed') {
    const report = await pc.getStats();
    report.forEach((entry: Record<string, unknown>) => {
      if (entry['type'] === 'transport' && transport === undefined) {
        transport = entry;
      }
    });
  }
  return Object.freeze({
    dtlsVersion: text(transport?.['tlsVersion']),
    dtlsCipher: text(transport?.['dtlsCipher']),
    srtpCipher: text(transport?.['srtpCipher']),
    verified,
    frameEncryption: frames.state,
    frameTransform: frames.state === 'on' ? frames.transform : undefined,
    framesDecrypted: frames.decrypted,
    framesRejected: frames.rejected,
  });
}
