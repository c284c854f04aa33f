/**
 * Calls `tick` every `intervalMs`, also while the tab is hidden.
 *
 * Chromium runs `requestAnimationFrame` not at all in a hidden tab and delays main-thread
 * timers there to once a second (https://developer.chrome.com/blog/timer-throttling-in-chrome-88),
 * which would make a recording stutter when the therapist switches tabs. Timers in a
 * dedicated worker are not throttled that way, so the clock runs in a tiny worker made
 * from a blob URL. Where the page's Content-Security-Policy forbids blob workers
 * (`worker-src`), it falls back to a main-thread timer: the recording then drops to about
 * one frame a second while the tab is hidden.
 */
export class FrameClock {
  private worker: Worker | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly tick: () => void,
  ) {
    try {
      this.startWorker();
    } catch {
      this.startTimer();
    }
  }

  stop(): void {
    this.stopped = true;
    this.worker?.terminate();
    this.worker = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private startWorker(): void {
    const source = 'onmessage=(e)=>{setInterval(()=>postMessage(0),e.data)}';
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    try {
      const worker = new Worker(url);
      worker.onmessage = () => this.tick();
      // A CSP refusal can also arrive later as an error event rather than a throw.
      worker.onerror = () => {
        worker.terminate();
        if (this.worker === worker) {
          this.worker = undefined;
          this.startTimer();
        }
      };
      worker.postMessage(this.intervalMs);
      this.worker = worker;
    } finally {
      URL.revokeObjectURL(url);
    }
  }

  private startTimer(): void {
    if (!this.stopped && this.timer === undefined) {
      this.timer = setInterval(this.tick, this.intervalMs);
    }
  }
}
