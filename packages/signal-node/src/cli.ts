#!/usr/bin/env node
import { main, stopOnSignals } from './cli/run-cli.js';

const outcome = await main(process.argv.slice(2), process.env);
if (outcome.exitCode !== undefined) {
  process.exitCode = outcome.exitCode;
} else {
  stopOnSignals(outcome.server, process);
}
