/**
 * The browser API frame encryption runs on: the standard `RTCRtpScriptTransform` (W3C
 * WebRTC Encoded Transform; Chromium, Firefox, Safari), or Chromium's older
 * `createEncodedStreams()`, which needs `encodedInsertableStreams: true` in the
 * RTCConfiguration of every connection.
 */
export type FrameTransformKind = 'script-transform' | 'encoded-streams';

/** Which API this browser offers, the standard one first; undefined without either. */
export function frameTransformKind(): FrameTransformKind | undefined {
  const scope = globalThis as { RTCRtpScriptTransform?: unknown };
  if (typeof scope.RTCRtpScriptTransform === 'function' && typeof Worker === 'function') {
    return 'script-transform';
  }
  const sender = globalThis.RTCRtpSender?.prototype as
    { createEncodedStreams?: unknown } | undefined;
  if (typeof sender?.createEncodedStreams === 'function' && typeof Worker === 'function') {
    return 'encoded-streams';
  }
  return undefined;
}
