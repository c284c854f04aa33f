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

// TURN is optional: without TURN_URLS the example uses no relay and no STUN server at
// all, so nothing leaves for a host you did not configure. TURN_SECRET is coturn's
// static-auth-secret (see docs/self-hosting.md).
const turnUrls = (process.env.TURN_URLS ?? '')
  .split(',')
  .map((url) => url.trim())
  .filter((url) => url !== '');
const turn = turnUrls.length === 0 ? {} : { turnUrls, turnSecret: process.env.TURN_SECRET };
const turnText =
  turnUrls.length === 0 ? 'none (set TURN_URLS and TURN_SECRET)' : turnUrls.join(' ');

mkdirSync(dataDir, { recursive: true });
const signal = await createSignalServer({
  host,
  port: signalPort,
  databasePath: `${dataDir}/practice.db`,
  apiKeys: [apiKey],
  ticketSecret,
  allowedOrigins: [siteOrigin],
  logLevel: process.env.LOG_LEVEL ?? 'info',
  ...turn,
});
const site = await startPracticeSite({
  host,
  port: sitePort,
  signalUrl: signal.url,
  apiKey,
  siteOrigin,
});

console.log(`\nbb-signal:     ${signal.url} (SQLite at ${dataDir}/practice.db)`);
console.log(`TURN:          ${turnText}`);
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
