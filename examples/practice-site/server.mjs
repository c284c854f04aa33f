// `npm start` runs this: bb-signal on the embedded SQLite database, and the practice
// site that uses it, both on loopback. Prints the URL to open.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createSignalServer } from '@bilateral-base/signal-node';
import { startPracticeSite } from './lib/practice-site.mjs';

const host = process.env.HOST ?? '127.0.0.1';
const sitePort = Number(process.env.PORT ?? 8080);
const signalPort = Number(process.env.SIGNAL_PORT ?? 9000);
const dataDir = process.env.BB_DATA_DIR ?? '.bb-data';
const siteOrigin = `http://${host}:${sitePort}`;

// A fresh integrator key and ticket secret per run: only this process ever holds them.
// Tickets live a minute, so losing the secret on restart costs nothing here.
const apiKey = randomBytes(32).toString('base64url');
const ticketSecret = randomBytes(32).toString('base64url');

mkdirSync(dataDir, { recursive: true });
const signal = await createSignalServer({
  host,
  port: signalPort,
  databasePath: `${dataDir}/practice.db`,
  apiKeys: [apiKey],
  ticketSecret,
  allowedOrigins: [siteOrigin],
  logLevel: process.env.LOG_LEVEL ?? 'info',
});
const site = await startPracticeSite({
  host,
  port: sitePort,
  signalUrl: signal.url,
  apiKey,
  siteOrigin,
});

console.log(`\nbb-signal:     ${signal.url} (SQLite at ${dataDir}/practice.db)`);
console.log(`Practice site: ${site.url}  <- open this in Chrome, Edge or Firefox\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await site.close();
  await signal.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
