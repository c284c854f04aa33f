import type { BbError } from '../errors/index.js';

/**
 * The wait for the signalling socket to open: settled once, by `open()`, by `fail()`
 * or by the timeout, whose handler decides what a timeout means.
 */
export class OpenWaiter {
  private pending: { resolve: () => void; reject: (error: BbError) => void } | undefined;

  /** Resolves on `open()`, rejects on `fail()`; calls `onTimeout` after `timeoutMs`. */
  wait(timeoutMs: number, onTimeout: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(onTimeout, timeoutMs);
      this.pending = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  open(): void {
    this.pending?.resolve();
    this.pending = undefined;
  }

  fail(error: BbError): void {
    this.pending?.reject(error);
    this.pending = undefined;
  }
}
