// A small request/answer protocol over Node's IPC channel, so the benchmark's parent can
// drive its server and load-generator processes step by step. Every request has a time
// limit, so a stuck child fails the run instead of hanging it.
import { spawn } from 'node:child_process';

/** Extra file descriptors for 10,000 sockets in one process, plus headroom. */
const OPEN_FILES = 65_536;

/**
 * Starts `node <flags> <script>` with an IPC channel. The shell raises the open-file
 * limit first when the system allows it; the child reports the limit it got, so a run
 * that cannot hold 10,000 sockets says so instead of failing half way.
 * @param {string} script
 * @param {{ nodeFlags?: string[], label: string }} options
 */
export function startChild(script, { nodeFlags = [], label }) {
  const command = ['ulimit -n', OPEN_FILES, '2>/dev/null;', 'exec "$0" "$@"'].join(' ');
  const child = spawn('bash', ['-c', command, process.execPath, ...nodeFlags, script], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const waiting = new Map();
  let exited = false;
  child.on('message', (message) => {
    const entry = waiting.get(message.id);
    if (entry === undefined) {
      return;
    }
    waiting.delete(message.id);
    clearTimeout(entry.timer);
    if (message.error !== undefined) {
      entry.reject(new Error(`${label}: ${message.error}`));
    } else {
      entry.resolve(message.result);
    }
  });
  child.on('exit', (code, signal) => {
    exited = true;
    for (const entry of waiting.values()) {
      clearTimeout(entry.timer);
      entry.reject(new Error(`${label} exited (${code ?? signal}) during a request`));
    }
    waiting.clear();
  });

  return {
    pid: () => child.pid,
    /** Sends `{command, ...args}` and resolves with the child's result. */
    request(command, args = {}, timeoutMs = 60_000) {
      if (exited) {
        return Promise.reject(new Error(`${label} has exited`));
      }
      const id = nextId;
      nextId += 1;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`${label}: "${command}" took longer than ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(id, { resolve, reject, timer });
        child.send({ id, command, args });
      });
    },
    /** Ends the child: politely first, then with SIGKILL after `graceMs`. */
    async stop(graceMs = 3000) {
      if (exited) {
        return;
      }
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
}

/**
 * The child's side: answers each request with `handlers[command](args)`. Uncaught
 * errors are sent back as the request's error.
 * @param {Record<string, (args: Record<string, unknown>) => unknown>} handlers
 */
export function serveRequests(handlers) {
  if (process.send === undefined) {
    throw new Error('this script is started by the benchmark runner, with an IPC channel');
  }
  process.on('message', async ({ id, command, args }) => {
    try {
      const handler = handlers[command];
      if (handler === undefined) {
        throw new Error(`unknown command "${command}"`);
      }
      process.send({ id, result: await handler(args) });
    } catch (error) {
      process.send({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('disconnect', () => process.exit(0));
}
