import { isBbError } from '@bilateral-base/core/errors';
import { SignalConfigError } from '../config/options.js';
import { createSignalServer, type SignalServer } from '../server.js';
import { helpText, labelIssue, readCliRequest } from './cli-options.js';

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** What the command did: finished with an exit code, or started a server. */
export type CliOutcome =
  { readonly exitCode: number } | { readonly exitCode?: undefined; readonly server: SignalServer };

/** Exit code for a bad command line or configuration, as for shell built-ins. */
export const EXIT_USAGE = 2;

/**
 * The `bb-signal` command without the process around it, so tests can run it in
 * process: reads flags and environment, starts the server, or prints help or errors.
 */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo = process,
): Promise<CliOutcome> {
  const request = readCliRequest(argv, env);
  if (request.kind === 'help') {
    io.stdout.write(helpText());
    return { exitCode: 0 };
  }
  if (request.kind === 'invalid') {
    io.stderr.write(`bb-signal: ${request.issues.map(labelIssue).join('\n')}\n`);
    io.stderr.write('Run bb-signal --help for the options.\n');
    return { exitCode: EXIT_USAGE };
  }
  try {
    const server = await createSignalServer(request.options);
    io.stdout.write(`bb-signal listening on ${server.url}\n`);
    return { server };
  } catch (error) {
    if (error instanceof SignalConfigError) {
      io.stderr.write('bb-signal: invalid configuration\n');
      for (const issue of error.issues) {
        io.stderr.write(`  ${labelIssue(issue)}\n`);
      }
      return { exitCode: EXIT_USAGE };
    }
    const code = isBbError(error) ? error.code : 'BB_ERR_INTERNAL';
    io.stderr.write(`bb-signal: failed to start (${code})\n`);
    return { exitCode: 1 };
  }
}

/** The parts of `process` that `stopOnSignals` uses. */
export interface SignalledProcess {
  on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  exit(code: number): void;
  exitCode?: number | string | null | undefined;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * After `close()` has finished, the process ends even if a stray handle (a client's
 * half-closed socket in the kernel's hands) would keep the event loop alive.
 */
const EXIT_AFTER_CLOSE_MS = 1000;

/**
 * SIGTERM (what systemd, Docker and Kubernetes send) and SIGINT (Ctrl-C) shut the
 * server down gracefully and exit 0; a second signal exits at once with 1.
 */
export function stopOnSignals(server: SignalServer, proc: SignalledProcess): void {
  let stopping = false;
  const stop = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (stopping) {
      proc.stderr.write(`bb-signal: ${signal} again; exiting without waiting\n`);
      proc.exit(1);
      return;
    }
    stopping = true;
    proc.stdout.write(`bb-signal stopping (${signal})\n`);
    server.close().then(
      () => {
        proc.stdout.write('bb-signal stopped\n');
        proc.exitCode = 0;
        setTimeout(() => proc.exit(0), EXIT_AFTER_CLOSE_MS).unref();
      },
      (error: unknown) => {
        const code = isBbError(error) ? error.code : 'BB_ERR_INTERNAL';
        proc.stderr.write(`bb-signal: error while stopping (${code})\n`);
        proc.exit(1);
      },
    );
  };
  proc.on('SIGINT', () => stop('SIGINT'));
  proc.on('SIGTERM', () => stop('SIGTERM'));
}
