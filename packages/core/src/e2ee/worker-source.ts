import { createFrameCodec } from './frame-codec.js';
import { runFrameWorker } from './frame-worker.js';

/**
 * The frame worker's source: the two self-contained functions' text, called in the worker.
 * Taking the text of functions compiled with the rest of the library means the worker
 * ships inside whatever bundle carries core (the ESM build, the `<bb-session>` bundle, an
 * application's own bundle) with no second file to serve and no build plugin. It needs
 * the functions to stay self-contained through minification, which holds because neither
 * refers to anything outside itself, and ES2017 or newer output (async functions), which
 * every browser with encoded transforms runs.
 */
export function frameWorkerSource(): string {
  return `"use strict";\n(${runFrameWorker.toString()})(self, (${createFrameCodec.toString()})());\n`;
}

/**
 * Starts the frame worker from a Blob URL, so it runs from any origin the page loaded core
 * from. A page Content-Security-Policy must allow it with `worker-src blob:` (or
 * `script-src blob:` where `worker-src` is absent). Throws where the page forbids it.
 */
export function startFrameWorker(): Worker {
  const url = URL.createObjectURL(new Blob([frameWorkerSource()], { type: 'text/javascript' }));
  try {
    return new Worker(url, { name: 'bb-frame-encryption' });
  } finally {
    // The worker holds the URL's blob once constructed (HTML "blob URL entry").
    URL.revokeObjectURL(url);
  }
}
