#!/usr/bin/env node
import { main } from './cli/run-cli.js';

const outcome = await main(process.argv.slice(2), process.env);
if (outcome.exitCode !== undefined) {
  process.exitCode = outcome.exitCode;
} else {
  const { server } = outcome;
  let stopping = false;
  const stop = (): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    server.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        console.error('bb-signal: error while closing', error instanceof Error ? error.name : '');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
