import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { call, closeAll, errorCode, ORIGIN } from './helpers.js';
import {
  Browser,
  OTHER_PASSWORD,
  PASSWORD,
  removeTempDirs,
  startAccountServer,
} from './account-helpers.js';

afterEach(closeAll);
afterAll(removeTempDirs);

const NAME = 'Ingrid Halvorsen';
const EMAIL = 'ingrid@practice.example';

describe('therapist accounts over HTTP', () => {
  it('registers, logs out, logs in, and answers who is logged in', async () => {
    const server = await startAccountServer();
    const browser = new Browser(server);
    const registered = await browser.register(NAME, 'Ingrid@Practice.Example');
    expect(registered.json).toMatchObject({ therapist: { name: NAME, email: EMAIL } });
    expect(browser.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await browser.send('GET', '/v1/session')).json).toMatchObject({
      therapist: { email: EMAIL },
    });
    const first = browser.cookie;
    expect((await browser.send('DELETE', '/v1/session')).status).toBe(204);
    expect(browser.cookie).toBeUndefined();
    browser.cookie = first;
    const after = await browser.send('GET', '/v1/session');
    expect(after.status).toBe(401);
    expect(errorCode(after)).toBe('BB_ERR_SESSION_REQUIRED');

    const login = await browser.send('POST', '/v1/session', { email: EMAIL, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(browser.cookie).not.toBe(first);
    expect((await browser.send('GET', '/v1/session')).status).toBe(200);
  });

  it('sets the cookie HttpOnly, SameSite=Strict, Path=/; Secure only off loopback', async () => {
    const server = await startAccountServer();
    const answer = await new Browser(server).register(NAME, EMAIL);
    const cookie = answer.headers['set-cookie']?.[0] ?? '';
    const attributes = cookie.split('; ').slice(1);
    expect(attributes.sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
    expect(answer.headers['cache-control']).toBe('no-store');

    const { isLoopbackHost } = await import('../src/http/session-cookie.js');
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('signal.example')).toBe(false);
  });

  it('sets Secure when not listening on loopback', async () => {
    const server = await startAccountServer({ host: '0.0.0.0' });
    const browser = new Browser(server);
    const answer = await browser.register(NAME, EMAIL);
    expect(answer.headers['set-cookie']?.[0]).toMatch(/; Secure(;|$)/);
  });

  it('refuses state-changing account requests without an allowed Origin', async () => {
    const server = await startAccountServer();
    const body = { name: NAME, email: EMAIL, password: PASSWORD };
    for (const origin of [null, 'http://evil.example']) {
      const answer = await new Browser(server, origin).send('POST', '/v1/account', body);
      expect(answer.status).toBe(403);
      expect(errorCode(answer)).toBe('BB_ERR_ORIGIN_FORBIDDEN');
    }
    const browser = new Browser(server);
    await browser.register(NAME, EMAIL);
    const stolen = new Browser(server, null);
    stolen.cookie = browser.cookie;
    for (const [method, path, payload] of [
      ['DELETE', '/v1/session', undefined],
      ['POST', '/v1/profiles', { confidentialId: 'C-1' }],
      ['DELETE', '/v1/account', { password: PASSWORD }],
    ] as const) {
      const answer = await stolen.send(method, path, payload);
      expect(answer.status).toBe(403);
      expect(errorCode(answer)).toBe('BB_ERR_ORIGIN_FORBIDDEN');
    }
    expect((await browser.send('GET', '/v1/session')).status).toBe(200);
  });

  it('enforces the password policy on register and on change', async () => {
    const server = await startAccountServer();
    const browser = new Browser(server);
    const short = await browser.send('POST', '/v1/account', {
      name: NAME,
      email: EMAIL,
      password: 'fourteen chars',
    });
    expect(short.status).toBe(400);
    expect(errorCode(short)).toBe('BB_ERR_PASSWORD_REJECTED');
    const personal = await browser.send('POST', '/v1/account', {
      name: NAME,
      email: EMAIL,
      password: 'halvorsen kestrel lantern',
    });
    expect(errorCode(personal)).toBe('BB_ERR_PASSWORD_REJECTED');
    expect(JSON.stringify(personal.json)).toMatch(/name or email/);
    expect(browser.cookie).toBeUndefined();

    await browser.register(NAME, EMAIL);
    const taken = await new Browser(server).send('POST', '/v1/account', {
      name: 'Someone Else',
      email: EMAIL,
      password: OTHER_PASSWORD,
    });
    expect(taken.status).toBe(409);
    expect(errorCode(taken)).toBe('BB_ERR_EMAIL_TAKEN');
  });

  it('changes the password only with the current one, and ends every other session', async () => {
    const server = await startAccountServer();
    const laptop = new Browser(server);
    await laptop.register(NAME, EMAIL);
    const phone = new Browser(server);
    await phone.send('POST', '/v1/session', { email: EMAIL, password: PASSWORD });

    const wrong = await laptop.send('POST', '/v1/account/password', {
      currentPassword: OTHER_PASSWORD,
      newPassword: OTHER_PASSWORD,
    });
    expect(wrong.status).toBe(403);
    expect(errorCode(wrong)).toBe('BB_ERR_LOGIN_FAILED');

    const changed = await laptop.send('POST', '/v1/account/password', {
      currentPassword: PASSWORD,
      newPassword: OTHER_PASSWORD,
    });
    expect(changed.status).toBe(200);
    expect((await laptop.send('GET', '/v1/session')).status).toBe(200);
    expect((await phone.send('GET', '/v1/session')).status).toBe(401);
    const old = await phone.send('POST', '/v1/session', { email: EMAIL, password: PASSWORD });
    expect(old.status).toBe(401);
    const fresh = await phone.send('POST', '/v1/session', {
      email: EMAIL,
      password: OTHER_PASSWORD,
    });
    expect(fresh.status).toBe(200);
  });

  it('ends sessions after the idle limit and after the absolute limit', async () => {
    let clock = 1_800_000_000_000;
    const server = await startAccountServer({
      now: () => clock,
      loginIdleSeconds: 600,
      loginMaxSeconds: 3600,
    });
    const browser = new Browser(server);
    await browser.register(NAME, EMAIL);
    clock += 599_000;
    expect((await browser.send('GET', '/v1/session')).status).toBe(200);
    clock += 599_000;
    expect((await browser.send('GET', '/v1/session')).status).toBe(200);
    clock += 600_000;
    expect(errorCode(await browser.send('GET', '/v1/session'))).toBe('BB_ERR_SESSION_REQUIRED');

    await browser.send('POST', '/v1/session', { email: EMAIL, password: PASSWORD });
    for (let step = 0; step < 6; step += 1) {
      clock += 500_000;
      expect((await browser.send('GET', '/v1/session')).status).toBe(200);
    }
    clock += 600_000;
    expect((await browser.send('GET', '/v1/session')).status).toBe(401);
  });

  it('exports everything stored about the therapist, without secrets', async () => {
    const server = await startAccountServer();
    const browser = new Browser(server);
    await browser.register(NAME, EMAIL);
    const profileId = await browser.createProfile('C-017');
    const link = await browser.createLink(profileId);
    const answer = await browser.send('GET', '/v1/account/export');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      therapist: {
        name: NAME,
        email: EMAIL,
        passwordHash: { stored: true, algorithm: 'scrypt', parameters: { N: 1024, r: 8, p: 1 } },
      },
      sessions: [{ createdAt: expect.any(Number) }],
      clientProfiles: [
        {
          id: profileId,
          confidentialId: 'C-017',
          links: [{ roomId: link.roomId, revokedAt: null }],
        },
      ],
    });
    expect(answer.text).not.toContain('scrypt$');
    expect(answer.text).not.toContain(link.proofHash);
    expect(answer.text).not.toContain(browser.cookie);
    expect(answer.headers['content-disposition']).toMatch(/attachment/);
  });

  it('keeps the API-key path working beside accounts', async () => {
    const server = await startAccountServer();
    const none = await call(server, 'POST', '/v1/tickets', {
      headers: { origin: ORIGIN },
      body: { role: 'host', roomId: 'AAAAAAAAAAAAAAAAAAAAAA' },
    });
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('BB_ERR_UNAUTHORIZED');
    const { expectHonestPairWorks } = await import('./helpers.js');
    await expectHonestPairWorks(server);
  });
});
