import { BbError, isBbError } from '../errors/index.js';

function domExceptionName(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'name' in error) {
    const { name } = error;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/**
 * Maps a `getUserMedia` rejection (Media Capture and Streams, section 10.2.1) to a coded
 * error. `SecurityError` is grouped with a refusal because it also means the page may
 * not use the devices (permissions policy or an insecure context).
 */
export function mapMediaError(error: unknown): BbError {
  if (isBbError(error)) {
    return error;
  }
  const name = domExceptionName(error);
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return new BbError(
      'BB_ERR_MEDIA_PERMISSION_DENIED',
      'Camera or microphone access was denied. Allow access in the browser and try again.',
      { cause: error },
    );
  }
  return new BbError(
    'BB_ERR_MEDIA_UNAVAILABLE',
    'No camera or microphone could be opened. Check that they are connected and not in use.',
    { cause: error },
  );
}
