import type * as Recording from '../../../packages/core/src/recording/index.js';

/**
 * Helpers the recording tests install in their pages (as an init script, so every page
 * of a context has them). They drive the real store with real MediaRecorder chunks of
 * Chromium's fake camera and microphone, and read the private file system directly.
 */
export interface RecordingTestWindow {
  bbReady: boolean;
  bbRecording: typeof Recording;
  __rec: {
    /** Opens a store and starts recording the fake devices into it, 1 s timeslice. */
    start(mimeType: string): Promise<string>;
    /** Stops the MediaRecorder, waits for every append, finishes the writer. */
    stop(): Promise<{ id: string; seconds: number; appendErrors: string[] }>;
    /** Chunk appends that failed so far, by error code. */
    appendErrors(): string[];
    /** Exports through a plain WritableStream into memory; the file is kept for `play`. */
    exportToMemory(id: string): Promise<{ summary: Recording.ExportSummary; size: number }>;
    /** Exports into a FileSystemWritableFileStream of an OPFS file named `name`. */
    exportToOpfsFile(id: string, name: string): Promise<Recording.ExportSummary>;
    /** Size of an OPFS file at the root, or -1 when it does not exist. */
    opfsFileSize(name: string): Promise<number>;
    /** Loads the last exported file into a video, seeks to the middle, reads a frame. */
    play(): Promise<{ duration: number; seekedTo: number; distinctColours: number }>;
    /** The last exported file's bytes contain this ASCII text. */
    exportContains(text: string): Promise<boolean>;
    /** Names and clear-text findings of a recording's stored files. */
    rawFiles(id: string): Promise<{ names: string[]; ebmlMagic: boolean; webmText: boolean }>;
    flipByte(id: string, name: string, offset: number): Promise<void>;
    swapFiles(id: string, a: string, b: string): Promise<void>;
    removeFile(id: string, name: string): Promise<void>;
    renameFile(id: string, from: string, to: string): Promise<void>;
    /** Overwrites the chunk count in the recording's IndexedDB metadata. */
    setChunkCount(id: string, count: number): Promise<void>;
    /** The error code a store call rejects with, or 'resolved'. */
    codeOf(call: () => Promise<unknown>): Promise<string>;
    /** Whether IndexedDB still holds a key for the recording. */
    hasKey(id: string): Promise<boolean>;
    /** Whether the recording's OPFS folder exists. */
    hasFolder(id: string): Promise<boolean>;
    store(): Promise<Recording.RecordingStore>;
  };
}

/** The init script that defines `window.__rec` (plain JS: it runs in the page as is). */
export const RECORDING_HELPERS = `
(() => {
  let store;
  let active;
  let lastExport;
  const openStore = async () => (store ??= await window.bbRecording.RecordingStore.open());
  const recordingsDir = async (id) => {
    const root = await navigator.storage.getDirectory();
    const all = await root.getDirectoryHandle('bb-recordings');
    return all.getDirectoryHandle(id);
  };
  const readFile = async (dir, name) =>
    new Uint8Array(await (await (await dir.getFileHandle(name)).getFile()).arrayBuffer());
  const writeFile = async (dir, name, bytes) => {
    const writable = await (await dir.getFileHandle(name, { create: true })).createWritable();
    await writable.write(bytes);
    await writable.close();
  };
  const openDb = () =>
    new Promise((resolve, reject) => {
      const request = indexedDB.open('bb-recordings');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  const contains = (bytes, needle) => {
    outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
      for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
      return true;
    }
    return false;
  };
  window.__rec = {
    store: openStore,
    async start(mimeType) {
      const s = await openStore();
      const writer = await s.begin({ mimeType });
      await writer.note({ type: 'consent-given', at: Date.now(), role: 'client' });
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      const recorder = new MediaRecorder(stream, { mimeType });
      const appends = [];
      const appendErrors = [];
      recorder.ondataavailable = (event) => {
        appends.push(
          writer.append(event.data).catch((error) => {
            appendErrors.push(error.code ?? String(error));
          }),
        );
      };
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      recorder.start(1000);
      await writer.note({ type: 'started', at: Date.now(), role: 'host' });
      active = { writer, recorder, stream, appends, appendErrors, stopped, startedAt: performance.now() };
      return writer.id;
    },
    appendErrors: () => active.appendErrors,
    async stop() {
      const { writer, recorder, stream, appends, appendErrors, stopped, startedAt } = active;
      if (recorder.state !== 'inactive') recorder.stop();
      await stopped;
      const seconds = (performance.now() - startedAt) / 1000;
      await Promise.all(appends);
      stream.getTracks().forEach((track) => track.stop());
      await writer.note({ type: 'stopped', at: Date.now(), role: 'host' }).catch(() => {});
      await writer.finish();
      return { id: writer.id, seconds, appendErrors };
    },
    async exportToMemory(id) {
      const parts = [];
      const sink = new WritableStream({ write: (chunk) => { parts.push(chunk); } });
      const summary = await (await openStore()).exportTo(id, sink);
      lastExport = new Blob(parts, { type: summary.mimeType });
      return { summary, size: lastExport.size };
    },
    async exportToOpfsFile(id, name) {
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle(name, { create: true });
      const summary = await (await openStore()).exportTo(id, await handle.createWritable());
      lastExport = await handle.getFile();
      return summary;
    },
    async opfsFileSize(name) {
      const root = await navigator.storage.getDirectory();
      try {
        return (await (await root.getFileHandle(name)).getFile()).size;
      } catch {
        return -1;
      }
    },
    async play() {
      const video = document.createElement('video');
      video.muted = true;
      document.body.append(video);
      video.src = URL.createObjectURL(lastExport);
      await new Promise((resolve, reject) => {
        video.onloadedmetadata = resolve;
        video.onerror = () => reject(new Error('video error ' + video.error?.code));
      });
      const duration = video.duration;
      const seeked = new Promise((resolve) => (video.onseeked = resolve));
      video.currentTime = duration / 2;
      await seeked;
      if (video.readyState < 2) {
        await new Promise((resolve) => (video.onloadeddata = resolve));
      }
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const context = canvas.getContext('2d');
      context.drawImage(video, 0, 0, 64, 48);
      const pixels = context.getImageData(0, 0, 64, 48).data;
      const colours = new Set();
      for (let i = 0; i < pixels.length; i += 4) colours.add(pixels[i] * 65536 + pixels[i + 1] * 256 + pixels[i + 2]);
      const seekedTo = video.currentTime;
      URL.revokeObjectURL(video.src);
      video.remove();
      return { duration, seekedTo, distinctColours: colours.size };
    },
    async exportContains(text) {
      return contains(new Uint8Array(await lastExport.arrayBuffer()), new TextEncoder().encode(text));
    },
    async rawFiles(id) {
      const dir = await recordingsDir(id);
      const names = [];
      let ebmlMagic = false;
      let webmText = false;
      for await (const [name] of dir.entries()) {
        names.push(name);
        const bytes = await readFile(dir, name);
        ebmlMagic ||= contains(bytes, [0x1a, 0x45, 0xdf, 0xa3]);
        webmText ||= contains(bytes, new TextEncoder().encode('webm'));
      }
      return { names: names.sort(), ebmlMagic, webmText };
    },
    async flipByte(id, name, offset) {
      const dir = await recordingsDir(id);
      const bytes = await readFile(dir, name);
      bytes[offset] ^= 0x01;
      await writeFile(dir, name, bytes);
    },
    async swapFiles(id, a, b) {
      const dir = await recordingsDir(id);
      const [first, second] = [await readFile(dir, a), await readFile(dir, b)];
      await writeFile(dir, a, second);
      await writeFile(dir, b, first);
    },
    async removeFile(id, name) {
      await (await recordingsDir(id)).removeEntry(name);
    },
    async renameFile(id, from, to) {
      const dir = await recordingsDir(id);
      await writeFile(dir, to, await readFile(dir, from));
      await dir.removeEntry(from);
    },
    async setChunkCount(id, count) {
      const db = await openDb();
      const tx = db.transaction('recordings', 'readwrite');
      const records = tx.objectStore('recordings');
      const request = records.get(id);
      request.onsuccess = () => records.put({ ...request.result, chunkCount: count });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onabort = () => reject(tx.error);
      });
      db.close();
    },
    async codeOf(call) {
      try {
        await call();
        return 'resolved';
      } catch (error) {
        return error.code ?? error.name + ': ' + error.message;
      }
    },
    async hasKey(id) {
      const db = await openDb();
      const key = await new Promise((resolve, reject) => {
        const request = db.transaction('keys').objectStore('keys').get(id);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      db.close();
      return key !== undefined;
    },
    async hasFolder(id) {
      try {
        await recordingsDir(id);
        return true;
      } catch {
        return false;
      }
    },
  };
})();
`;
