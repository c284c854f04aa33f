import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import {
  checkPasswordBreach,
  refuseBreachedPassword,
  type BreachCheckOptions,
} from '../src/password/index.js';

// A real HTTP server on loopback plays the Pwned Passwords range API; nothing here
// reaches the internet.

const BREACHED = 'correct horse battery staple';
const CLEAN = 'quiet lantern orbit meadow 7q';
/** A password whose suffix appears only on a padding line (count 0). */
const PADDED = 'violet harbour lantern under rain';

const sha1 = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex').toUpperCase();

interface SeenRequest {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

let server: Server;
let endpoint: string;
let mode: 'normal' | 'error' | 'garbage' | 'slow' = 'normal';
const seen: SeenRequest[] = [];

function rangeBody(prefix: string): string {
  const lines = ['0018A45C4D1DEF81644B54AB7F969B88D65:1', '00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2'];
  for (const [password, count] of [
    [BREACHED, 3_645_804],
    [PADDED, 0],
  ] as const) {
    const hash = sha1(password);
    if (hash.startsWith(prefix)) {
      lines.push(`${hash.slice(5)}:${count}`);
    }
  }
  // Padding lines as the real API sends them: random suffixes with a count of 0.
  lines.push('F2B1C0F0000000000000000000000000000:0', 'A9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A9A:0');
  return lines.join('\r\n');
}

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', headers: request.headers });
    if (mode === 'slow') {
      setTimeout(() => response.end(''), 2000);
      return;
    }
    if (mode === 'error') {
      response.writeHead(503).end('busy');
      return;
    }
    if (mode === 'garbage') {
      response.writeHead(200).end('<html>captive portal</html>');
      return;
    }
    const prefix = /^\/range\/([0-9A-F]{5})$/.exec(request.url ?? '')?.[1];
    response.writeHead(prefix ? 200 : 404).end(prefix ? rangeBody(prefix) : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/range/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const on = (extra: BreachCheckOptions = {}): BreachCheckOptions => ({
  enabled: true,
  endpoint,
  timeoutMs: 500,
  ...extra,
});

describe('breached-password range check', () => {
  it('is off by default and then sends nothing', async () => {
    seen.length = 0;
    expect(await checkPasswordBreach(BREACHED)).toEqual({ status: 'off', count: 0 });
    expect(await checkPasswordBreach(BREACHED, { endpoint })).toEqual({ status: 'off', count: 0 });
    expect(seen).toEqual([]);
  });

  it('sends exactly the 5-hex prefix of the SHA-1 with Add-Padding, and no more', async () => {
    mode = 'normal';
    seen.length = 0;
    const result = await checkPasswordBreach(BREACHED, on());
    expect(result).toEqual({ status: 'breached', count: 3_645_804 });
    expect(seen).toHaveLength(1);
    const request = seen[0];
    expect(request?.url).toBe(`/range/${sha1(BREACHED).slice(0, 5)}`);
    expect(request?.url).toMatch(/^\/range\/[0-9A-F]{5}$/);
    expect(request?.headers['add-padding']).toBe('true');
    const everything = JSON.stringify(request);
    expect(everything).not.toContain(sha1(BREACHED).slice(5, 12));
    expect(everything).not.toContain(BREACHED);
  });

  it('reports clean for a password not in the range, and ignores padding lines', async () => {
    mode = 'normal';
    expect(await checkPasswordBreach(CLEAN, on())).toEqual({ status: 'clean', count: 0 });
    expect(await checkPasswordBreach(PADDED, on())).toEqual({ status: 'clean', count: 0 });
    await expect(refuseBreachedPassword(PADDED, on())).resolves.toEqual({
      status: 'clean',
      count: 0,
    });
  });

  it('refuses a breached password with BB_ERR_PASSWORD_BREACHED', async () => {
    mode = 'normal';
    const error: unknown = await refuseBreachedPassword(BREACHED, on()).catch((e: unknown) => e);
    expect(isBbError(error, 'BB_ERR_PASSWORD_BREACHED')).toBe(true);
  });

  it.each(['error', 'garbage', 'slow'] as const)(
    'when the service answers %s: unavailable, then allow or refuse per setting',
    async (failure) => {
      mode = failure;
      expect(await checkPasswordBreach(BREACHED, on())).toEqual({
        status: 'unavailable',
        count: 0,
      });
      await expect(refuseBreachedPassword(BREACHED, on())).resolves.toEqual({
        status: 'unavailable',
        count: 0,
      });
      const error: unknown = await refuseBreachedPassword(
        BREACHED,
        on({ onUnavailable: 'refuse' }),
      ).catch((e: unknown) => e);
      expect(isBbError(error, 'BB_ERR_BREACH_CHECK_UNAVAILABLE')).toBe(true);
      mode = 'normal';
    },
  );

  it('treats an unreachable endpoint as unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const options = on({ endpoint: `http://127.0.0.1:${port}/range/`, onUnavailable: 'refuse' });
    expect(await checkPasswordBreach(CLEAN, options)).toEqual({ status: 'unavailable', count: 0 });
    const error: unknown = await refuseBreachedPassword(CLEAN, options).catch((e: unknown) => e);
    expect(isBbError(error, 'BB_ERR_BREACH_CHECK_UNAVAILABLE')).toBe(true);
  });

  it('checks its arguments', async () => {
    await expect(checkPasswordBreach(42 as unknown as string, on())).rejects.toThrow(TypeError);
    await expect(checkPasswordBreach(CLEAN, on({ timeoutMs: 5 }))).rejects.toThrow(RangeError);
    await expect(
      checkPasswordBreach(CLEAN, on({ onUnavailable: 'maybe' as 'allow' })),
    ).rejects.toThrow(/onUnavailable/);
    const bad: unknown = await checkPasswordBreach(CLEAN, on({ endpoint: 'ftp://x/' })).catch(
      (e: unknown) => e,
    );
    expect(isBbError(bad, 'BB_ERR_INVALID_ARGUMENT')).toBe(true);
  });
});
