import { existsSync, readFileSync } from 'node:fs';
import { SessionLink } from '@bilateral-base/core/links';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SignalServer } from '../src/index.js';
import { closeAll, connectWith, type Ticket } from './helpers.js';
import {
  Browser,
  clientTicketFor,
  OTHER_PASSWORD,
  PASSWORD,
  removeTempDirs,
  startAccountServer,
  tempDatabase,
} from './account-helpers.js';

afterEach(closeAll);
afterAll(removeTempDirs);

const EMAIL = 'scan.me@practice.example';

/** Every byte the database left on disk: the file, and its WAL and shared memory if any. */
function databaseBytes(path: string): Buffer {
  const parts = [path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file));
  return Buffer.concat(parts.map((file) => readFileSync(file)));
}

async function fullFlow(server: SignalServer) {
  const secrets: string[] = [PASSWORD, OTHER_PASSWORD, 'wrong but long guess here'];
  const browser = new Browser(server);
  await browser.register('Scan Testperson', EMAIL);
  secrets.push(browser.cookie ?? '');
  await browser.send('POST', '/v1/session', { email: EMAIL, password: secrets[2] });
  await browser.send('POST', '/v1/session', { email: EMAIL, password: PASSWORD });
  secrets.push(browser.cookie ?? '');
  const profile = await browser.createProfile('C-scan');
  const link = await browser.createLink(profile);
  const host = (await browser.hostTicket(link.roomId)).json as Ticket;
  const client = (await clientTicketFor(server, link)).json as Ticket;
  const sockets = [await connectWith(server, host), await connectWith(server, client)];
  const next = SessionLink.create('http://127.0.0.1:8080/join');
  await browser.send('POST', `/v1/links/${link.roomId}/rotate`, {
    roomId: next.roomId,
    proofHash: next.proofHash,
  });
  await Promise.all(sockets.map((socket) => socket.waitClosed()));
  await browser.send('POST', '/v1/account/password', {
    currentPassword: PASSWORD,
    newPassword: OTHER_PASSWORD,
  });
  secrets.push(browser.cookie ?? '');
  await browser.send('GET', '/v1/account/export');
  await browser.send('DELETE', '/v1/session');
  for (const made of [link, next]) {
    secrets.push(
      made.proof,
      made.url.split('#')[1] ?? '',
      Buffer.from(made.bindingKey).toString('hex'),
    );
  }
  secrets.push(host.ticket, client.ticket);
  return secrets;
}

describe('secret scan', () => {
  it('finds no password, key, proof, token or ticket in the database file or the logs', async () => {
    const databasePath = tempDatabase();
    const lines: string[] = [];
    const server = await startAccountServer({
      databasePath,
      logLevel: 'trace',
      logDestination: { write: (line: string) => lines.push(line) },
    });
    const secrets = await fullFlow(server);
    await server.close();

    expect(secrets.every((secret) => secret.length >= 20)).toBe(true);
    const stored = databaseBytes(databasePath);
    expect(stored.includes(Buffer.from(EMAIL))).toBe(true);
    const logs = lines.join('');
    expect(logs).toContain('logged in');
    for (const secret of secrets) {
      expect(stored.includes(Buffer.from(secret, 'utf8'))).toBe(false);
      expect(logs.includes(secret)).toBe(false);
    }
    expect(logs.includes(EMAIL)).toBe(false);
    expect(logs.includes('Scan Testperson')).toBe(false);
    expect(logs.includes('127.0.0.1')).toBe(false);
  });
});
