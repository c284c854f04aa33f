import { BbError } from '../errors/index.js';
import { mapMediaError } from './media-errors.js';

/**
 * The constraints a session asks for: camera and microphone with the browser's own echo
 * cancellation and noise suppression, which matter most in a talking-heads call.
 */
export const DEFAULT_MEDIA_CONSTRAINTS: MediaStreamConstraints = Object.freeze({
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } },
});

/** Opens the camera and microphone, mapping every refusal to a coded error. */
export async function openLocalMedia(
  constraints: MediaStreamConstraints = DEFAULT_MEDIA_CONSTRAINTS,
): Promise<MediaStream> {
  const devices = globalThis.navigator?.mediaDevices;
  if (devices === undefined || typeof devices.getUserMedia !== 'function') {
    // mediaDevices is absent outside a secure context (Media Capture and Streams,
    // section 9.2), so this is usually a page served over plain http from a real host.
    throw new BbError(
      'BB_ERR_MEDIA_UNAVAILABLE',
      'This page cannot use a camera or microphone (it needs https)',
    );
  }
  try {
    return await devices.getUserMedia(constraints);
  } catch (error) {
    throw mapMediaError(error);
  }
}

/** Stops every track of `stream`, releasing the devices and their indicator lights. */
export function stopStream(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) {
    track.stop();
  }
}

/**
 * Enables or disables every track of one kind. A disabled track keeps its sender and
 * sends silence or black frames (Media Capture and Streams, section 4.3.1), so muting
 * needs no renegotiation. Returns whether any track of that kind exists.
 */
export function setTracksEnabled(
  stream: MediaStream | undefined,
  kind: 'audio' | 'video',
  enabled: boolean,
): boolean {
  const tracks = kind === 'audio' ? stream?.getAudioTracks() : stream?.getVideoTracks();
  for (const track of tracks ?? []) {
    track.enabled = enabled;
  }
  return (tracks?.length ?? 0) > 0;
}

/** True when the stream has a track of `kind` and all of them are enabled. */
export function tracksEnabled(stream: MediaStream | undefined, kind: 'audio' | 'video'): boolean {
  const tracks = kind === 'audio' ? stream?.getAudioTracks() : stream?.getVideoTracks();
  return tracks !== undefined && tracks.length > 0 && tracks.every((track) => track.enabled);
}
