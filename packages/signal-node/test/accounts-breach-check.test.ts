import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSignalOptions } from '../src/index.js';
import { closeAll, errorCode } from './helpers.js';
import {
  Browser,
  OTHER_PASSWORD,
  PASSWORD,
  removeTempDirs,
  startAccountServer,
} from './account-helpers.js';

// bb-signal's optional breach check against a real local HTTP server playing the Pwned
// Passwords range API. OTHER_PASSWORD is "breached" there; PASSWORD is not.

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

let rangeApi: Server;
let endpoint: string;
let deadEndpoint: string;
const asked: string[] = [];

beforeAll(async () => {
  rangeApi = createServer((request, response) => {
    asked.push(request.url ?? '');
    const prefix = request.url?.slice('/range/'.length) ?? '';
    const breached = sha1(OTHER_PASSWORD);
    const lines = ['0000000000000000000000000000000000A:0'];
    if (breached.startsWith(prefix)) {
      lines.push(`${breached.slice(5)}:42`);
    }
    response.end(lines.join('\r\n'));
  });
  await new Promise<void>((resolve) => rangeApi.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(rangeApi.address() as AddressInfo).port}/range/`;
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  deadEndpoint = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/range/`;
  await new Promise((resolve) => dead.close(resolve));
});

afterEach(closeAll);
afterAll(async () => {
  removeTempDirs();
  await new Promise((resolve) => rangeApi.close(resolve));
});

describe('bb-signal breached-password check', () => {
  it('is off by default and asks nobody', async () => {
    asked.length = 0;
    const browser = new Browser(await startAccountServer());
    await browser.register('Ada Lindqvist', 'ada@practice.example', OTHER_PASSWORD);
    expect(asked).toEqual([]);
    expect(parseSignalOptions({}).breachCheckEndpoint).toBeUndefined();
  });

  it('refuses a breached password at register and change-password, sending 5 hex only', async () => {
    asked.length = 0;
    const server = await startAccountServer({ breachCheckEndpoint: endpoint });
    const browser = new Browser(server);
    const refused = await browser.send('POST', '/v1/account', {
      name: 'Ada Lindqvist',
      email: 'ada@practice.example',
      password: OTHER_PASSWORD,
    });
    expect(refused.status).toBe(400);
    expect(errorCode(refused)).toBe('BB_ERR_PASSWORD_BREACHED');
    expect(asked).toEqual([`/range/${sha1(OTHER_PASSWORD).slice(0, 5)}`]);

    await browser.register('Ada Lindqvist', 'ada@practice.example', PASSWORD);
    const change = await browser.send('POST', '/v1/account/password', {
      currentPassword: PASSWORD,
      newPassword: OTHER_PASSWORD,
    });
    expect(change.status).toBe(400);
    expect(errorCode(change)).toBe('BB_ERR_PASSWORD_BREACHED');
    for (const url of asked) {
      expect(url).toMatch(/^\/range\/[0-9A-F]{5}$/);
    }
  });

  it('allows or refuses when the range API is unreachable, as configured', async () => {
    const allowing = new Browser(await startAccountServer({ breachCheckEndpoint: deadEndpoint }));
    await allowing.register('Ada Lindqvist', 'ada@practice.example', PASSWORD);

    const refusing = new Browser(
      await startAccountServer({
        breachCheckEndpoint: deadEndpoint,
        breachCheckOnUnavailable: 'refuse',
      }),
    );
    const answer = await refusing.send('POST', '/v1/account', {
      name: 'Ada Lindqvist',
      email: 'ada@practice.example',
      password: PASSWORD,
    });
    expect(answer.status).toBe(503);
    expect(errorCode(answer)).toBe('BB_ERR_BREACH_CHECK_UNAVAILABLE');
    // Refused before anything was stored: no session was opened.
    expect((await refusing.send('GET', '/v1/session')).status).toBe(401);
  });

  it('rejects a malformed endpoint or policy at start', () => {
    expect(() => parseSignalOptions({ breachCheckEndpoint: 'ftp://x/' })).toThrow(
      /breachCheckEndpoint/,
    );
    expect(() => parseSignalOptions({ breachCheckOnUnavailable: 'maybe' as 'allow' })).toThrow(
      /breachCheckOnUnavailable/,
    );
  });
});
