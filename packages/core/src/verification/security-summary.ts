/** Whether frames are encrypted end to end on top of DTLS-SRTP. */
export type FrameEncryptionState = 'on' | 'off' | 'unsupported';

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
  readonly frameEncryption: FrameEncryptionState;
}

/**
 * Frame encryption is not built yet, so it is `off` wherever the browser has encoded
 * transforms and `unsupported` where it has none.
 */
export function frameEncryptionState(): FrameEncryptionState {
  const scope = globalThis as { RTCRtpScriptTransform?: unknown };
  const legacy = globalThis.RTCRtpSender?.prototype as
    { createEncodedStreams?: unknown } | undefined;
  const supported =
    typeof scope.RTCRtpScriptTransform === 'function' ||
    typeof legacy?.createEncodedStreams === 'function';
  return supported ? 'off' : 'unsupported';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads the summary from `pc` (the camera call's connection, or none yet). */
export async function readSecuritySummary(
  pc: RTCPeerConnection | undefined,
  verified: boolean,
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
    frameEncryption: frameEncryptionState(),
  });
}
