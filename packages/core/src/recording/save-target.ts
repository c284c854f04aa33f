import { BbError } from '../errors/index.js';

/**
 * `showSaveFilePicker` (File System Access, WICG): Chromium-based browsers only, and only
 * in a top-level secure context with a recent user gesture. Elsewhere export falls back to
 * a download.
 */
interface SaveFilePickerWindow {
  showSaveFilePicker?(options: {
    suggestedName?: string;
    types?: { description: string; accept: Record<string, string[]> }[];
  }): Promise<FileSystemFileHandle>;
}

/** True when the browser can ask the user where to save. */
export function canPickSaveFile(): boolean {
  return typeof (globalThis as SaveFilePickerWindow).showSaveFilePicker === 'function';
}

/**
 * Asks the user where to save, and opens the chosen file for writing. Closing the dialog
 * is `BB_ERR_RECORDING_EXPORT_CANCELLED`.
 */
export async function pickSaveFile(
  suggestedName: string,
  mimeType: string,
  extension: string,
): Promise<FileSystemWritableFileStream> {
  const picker = (globalThis as SaveFilePickerWindow).showSaveFilePicker;
  if (picker === undefined) {
    throw new BbError('BB_ERR_RECORDING_UNSUPPORTED', 'This browser has no save dialog.');
  }
  let handle: FileSystemFileHandle;
  try {
    handle = await picker.call(globalThis, {
      suggestedName,
      types: [{ description: 'Session recording', accept: { [mimeType]: [`.${extension}`] } }],
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') {
      throw new BbError('BB_ERR_RECORDING_EXPORT_CANCELLED', undefined, { cause });
    }
    throw new BbError('BB_ERR_RECORDING_EXPORT_FAILED', 'The save dialog could not be shown.', {
      cause,
    });
  }
  try {
    return await handle.createWritable();
  } catch (cause) {
    throw new BbError('BB_ERR_RECORDING_EXPORT_FAILED', 'The chosen file cannot be written.', {
      cause,
    });
  }
}

/**
 * Starts a download of `file` (a disk-backed OPFS file, so the browser streams it rather
 * than holding it in memory) under `name`.
 */
export function downloadFile(file: File, name: string): void {
  const url = URL.createObjectURL(file);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its own reference to the blob by now; the URL is not needed.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file name made safe for the save dialog and downloads, with `extension`. */
export function safeFileName(name: string, extension: string): string {
  const base = name
    .replace(/\.(webm|mp4)$/i, '')
    .replace(/[^\p{L}\p{N} ._-]+/gu, '-')
    .trim()
    .slice(0, 100);
  return `${base === '' ? 'session-recording' : base}.${extension}`;
}
