import BetterSqlite3 from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AccountService } from '../src/accounts/account-service.js';
import { LoginThrottle, MAX_PENDING_PER_ADDRESS } from '../src/accounts/login-throttle.js';
import {
  parseScryptHash,
  ScryptHasher,
  type PasswordHasher,
} from '../src/accounts/password-hasher.js';
import { AccountStore } from '../src/storage/account-store.js';
import { SqliteRoomRegistry } from '../src/storage/sqlite-room-registry.js';
import { closeAll, errorCode } from './helpers.js';
import {
  Browser,
  OTHER_PASSWORD,
  PASSWORD,
  removeTempDirs,
  startAccountServer,
  tempDatabase,
} from './account-helpers.js';

afterEach(closeAll);
afterAll(removeTempDirs);

const EMAIL = 'ruth@practice.example';

/** The real scrypt hasher, counting how often each method runs. */
class CountingHasher implements PasswordHasher {
  readonly calls = { hash: 0, verify: 0 };
  private readonly inner = new ScryptHasher({ N: 2 ** 10, r: 8, p: 1 });

  hash(password: string): Promise<string> {
    this.calls.hash += 1;
    return this.inner.hash(password);
  }

  verify(password: string, stored: string): Promise<boolean> {
    this.calls.verify += 1;
    return this.inner.verify(password, stored);
  }

  needsRehash(stored: string): boolean {
    return this.inner.needsRehash(stored);
  }
}

describe('password hashes', () => {
  it('stores scrypt parameters with the hash and reads them back', async () => {
    const hasher = new ScryptHasher({ N: 2 ** 11, r: 8, p: 1 });
    const stored = await hasher.hash(PASSWORD);
    expect(stored).toMatch(/^scrypt\$2048\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(parseScryptHash(stored)?.parameters).toEqual({ N: 2048, r: 8, p: 1 });
    expect(await hasher.verify(PASSWORD, stored)).toBe(true);
    expect(await hasher.verify(OTHER_PASSWORD, stored)).toBe(false);
    expect(await hasher.hash(PASSWORD)).not.toBe(stored);
    for (const bad of [
      '',
      'scrypt$3$8$1$AA$AA',
      'bcrypt$2048$8$1$AA$AA',
      'scrypt$2048$8$1$A A$AA',
    ]) {
      expect(parseScryptHash(bad)).toBeUndefined();
      expect(await hasher.verify(PASSWORD, bad)).toBe(false);
    }
    expect(hasher.needsRehash(stored)).toBe(false);
    expect(new ScryptHasher({ N: 2 ** 12, r: 8, p: 1 }).needsRehash(stored)).toBe(true);
    expect(new ScryptHasher({ N: 2 ** 11, r: 8, p: 2 }).needsRehash(stored)).toBe(true);
    expect(new ScryptHasher({ N: 2 ** 10, r: 8, p: 1 }).needsRehash(stored)).toBe(false);
  });

  it('normalises Unicode (NFKC) and never truncates', async () => {
    const hasher = new ScryptHasher({ N: 2 ** 10, r: 8, p: 1 });
    const stored = await hasher.hash('caf\u00e9 kestrel lantern');
    expect(await hasher.verify('cafe\u0301 kestrel lantern', stored)).toBe(true);
    const long = 'a'.repeat(200);
    const longHash = await hasher.hash(long);
    expect(await hasher.verify('a'.repeat(199) + 'b', longHash)).toBe(false);
  });

  it('rehashes on login when the configured cost was raised', async () => {
    const databasePath = tempDatabase();
    const first = await startAccountServer({ databasePath, passwordHashCost: 10 });
    await new Browser(first).register('Ruth Amsel', EMAIL);
    await first.close();
    const storedHash = () => {
      const db = new BetterSqlite3(databasePath, { readonly: true });
      try {
        const row = db.prepare('SELECT password_hash FROM therapists').get() as {
          password_hash: string;
        };
        return row.password_hash;
      } finally {
        db.close();
      }
    };
    expect(parseScryptHash(storedHash())?.parameters.N).toBe(1024);

    const raised = await startAccountServer({ databasePath, passwordHashCost: 11 });
    const login = await new Browser(raised).send('POST', '/v1/session', {
      email: EMAIL,
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    await raised.close();
    expect(parseScryptHash(storedHash())?.parameters.N).toBe(2048);
  });
});

describe('login answers', () => {
  it('gives an unknown email and a wrong password the same answer and the same hashing', async () => {
    const registry = new SqliteRoomRegistry(tempDatabase(), 1);
    const hasher = new CountingHasher();
    const accounts = new AccountService({
      store: new AccountStore(registry.database),
      hasher,
      throttle: new LoginThrottle(),
      now: () => 1_800_000_000_000,
      loginIdleMs: 60_000,
      loginMaxMs: 600_000,
      log: pino({ level: 'silent' }),
    });
    try {
      await accounts.prepare();
      await accounts.register('Ruth Amsel', EMAIL, PASSWORD);
      const before = { ...hasher.calls };
      const wrong = await accounts
        .login(EMAIL, OTHER_PASSWORD, 'a')
        .catch((error: unknown) => error);
      expect(hasher.calls.verify).toBe(before.verify + 1);
      const unknown = await accounts
        .login('nobody@practice.example', OTHER_PASSWORD, 'b')
        .catch((error: unknown) => error);
      expect(hasher.calls.verify).toBe(before.verify + 2);
      expect(hasher.calls.hash).toBe(before.hash);
      expect(wrong).toMatchObject({ status: 401, code: 'BB_ERR_LOGIN_FAILED' });
      expect(unknown).toMatchObject({ status: 401, code: 'BB_ERR_LOGIN_FAILED' });
      expect((unknown as Error).message).toBe((wrong as Error).message);
    } finally {
      await registry.close();
    }
  });

  it('answers both the same way over HTTP', async () => {
    const server = await startAccountServer();
    const browser = new Browser(server);
    await browser.register('Ruth Amsel', EMAIL);
    const wrong = await new Browser(server).send('POST', '/v1/session', {
      email: EMAIL,
      password: OTHER_PASSWORD,
    });
    const unknown = await new Browser(server).send('POST', '/v1/session', {
      email: 'nobody@practice.example',
      password: OTHER_PASSWORD,
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.text).toBe(wrong.text);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });
});

describe('login throttling', () => {
  it('delays after five failures, locks after 100, and the lock ends on its own', async () => {
    let clock = 1_800_000_000_000;
    const server = await startAccountServer({ now: () => clock });
    await new Browser(server).register('Ruth Amsel', EMAIL);
    const attacker = new Browser(server);
    const attempt = (password: string, email = EMAIL) =>
      attacker.send('POST', '/v1/session', { email, password });

    for (let failure = 1; failure <= 5; failure += 1) {
      expect((await attempt(OTHER_PASSWORD)).status).toBe(401);
    }
    const slowed = await attempt(PASSWORD);
    expect(slowed.status).toBe(429);
    expect(errorCode(slowed)).toBe('BB_ERR_RATE_LIMITED');
    expect(slowed.headers['retry-after']).toBe('1');
    clock += 1000;
    expect((await attempt(OTHER_PASSWORD)).status).toBe(401);
    const longer = await attempt(OTHER_PASSWORD);
    expect(longer.headers['retry-after']).toBe('2');

    for (let failure = 7; failure <= 100; failure += 1) {
      clock += 61_000;
      expect((await attempt(OTHER_PASSWORD)).status).toBe(401);
    }
    const lockedAt = clock;
    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBe(15 * 60);

    clock = lockedAt + 14 * 60_000;
    const duringLock = await attempt(OTHER_PASSWORD);
    expect(duringLock.status).toBe(429);
    expect(Number(duringLock.headers['retry-after'])).toBe(60);

    clock = lockedAt + 15 * 60_000;
    expect((await attempt(PASSWORD)).status).toBe(200);
  });

  it('counts tries sent at once before any of them is hashed', async () => {
    const server = await startAccountServer();
    await new Browser(server).register('Ruth Amsel', EMAIL);
    const tries = Array.from({ length: 12 }, () =>
      new Browser(server).send('POST', '/v1/session', { email: EMAIL, password: OTHER_PASSWORD }),
    );
    const statuses = (await Promise.all(tries)).map((answer) => answer.status).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
  });

  it('lets 20 therapists behind one address log in at the same moment', async () => {
    const server = await startAccountServer();
    const emails = Array.from({ length: 20 }, (_, index) => `therapist${index}@practice.example`);
    for (const email of emails) {
      await new Browser(server).register('Ruth Amsel', email);
    }
    const logins = emails.map((email) =>
      new Browser(server).send('POST', '/v1/session', { email, password: PASSWORD }),
    );
    const statuses = (await Promise.all(logins)).map((answer) => answer.status);
    expect(statuses).toEqual(Array(20).fill(200));
  });

  it('caps the guesses one address has running at once, then slows it down', () => {
    // On the throttle itself: over HTTP with the tests' cheap hashing, early guesses
    // finish before later ones arrive, so the cap would not be reached reliably.
    const throttle = new LoginThrottle();
    const now = 1_800_000_000_000;
    for (let index = 0; index < MAX_PENDING_PER_ADDRESS; index += 1) {
      expect(throttle.attempt(`account-${index}`, '203.0.113.9', now)).toEqual({
        allowed: true,
      });
    }
    expect(throttle.attempt('account-extra', '203.0.113.9', now)).toEqual({
      allowed: false,
      retryAfterMs: 1000,
    });
    // Another address is not affected by this one's running checks.
    expect(throttle.attempt('account-extra', '198.51.100.4', now)).toEqual({ allowed: true });
    throttle.succeed('account-extra', '198.51.100.4');
    // Once the guesses are known to have failed, the address waits, for any account.
    for (let index = 0; index < MAX_PENDING_PER_ADDRESS; index += 1) {
      throttle.fail('203.0.113.9', now);
    }
    const after = throttle.attempt('account-untried', '203.0.113.9', now + 1);
    expect(after.allowed).toBe(false);
    // Successes release their place too: 32 honest logins, then 32 more.
    for (let round = 0; round < 2; round += 1) {
      for (let index = 0; index < MAX_PENDING_PER_ADDRESS; index += 1) {
        expect(throttle.attempt(`honest-${index}`, '192.0.2.1', now).allowed).toBe(true);
      }
      for (let index = 0; index < MAX_PENDING_PER_ADDRESS; index += 1) {
        throttle.succeed(`honest-${index}`, '192.0.2.1');
      }
    }
  });

  it('throttles an unknown email exactly like a known one', async () => {
    const server = await startAccountServer();
    const browser = new Browser(server);
    const answers = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const answer = await browser.send('POST', '/v1/session', {
        email: 'nobody@practice.example',
        password: OTHER_PASSWORD,
      });
      answers.push(answer.status);
    }
    expect(answers).toEqual([401, 401, 401, 401, 401, 429]);
  });
});
