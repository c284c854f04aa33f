import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SessionLink } from '@bilateral-base/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from './support/chromium.js';
import { WAIT_MS, expectVideoFlowing } from './support/frames.js';
import {
  startPracticeSiteProcess,
  type PracticeSiteProcess,
} from './support/practice-site-process.js';

// The example's account flow as a person would click through it, against the example
// started exactly as `npm start` starts it (server.mjs: real bb-signal on a SQLite file):
// register with <bb-password-field>, add a client, make and copy a link, hold a video
// session with the client, import the link in a second browser, rotate, revoke, log out.
// Then the database file and every log line are searched for the secrets of the flow.

const NAME = 'Ingrid Halvorsen';
const EMAIL = 'ingrid.halvorsen@practice.example';
const PASSWORD = 'marble kestrel lantern quay';

let example: PracticeSiteProcess;
let siteUrl: string;
let signalUrl: string;
let browser: Browser;

beforeAll(async () => {
  example = await startPracticeSiteProcess({ LOG_LEVEL: 'trace' });
  ({ siteUrl, signalUrl } = example);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await example?.stop();
});

/** Records CSP refusals, page errors and every bb-error of a page. */
async function watched(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const { context, page } = await openPage(browser);
  const problems: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.addInitScript({
    content: `
      window.__bbErrors = [];
      document.addEventListener('bb-error', (event) => window.__bbErrors.push(event.detail.code));
    `,
  });
  return { context, page, problems };
}

async function waitReady(page: Page, path: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === path, { timeout: WAIT_MS });
  await page.waitForFunction(() => document.body.dataset['ready'] === 'true', undefined, {
    timeout: WAIT_MS,
  });
}

async function linkUrls(page: Page): Promise<string[]> {
  return page.$$eval('.link-url', (fields) => fields.map((f) => (f as HTMLInputElement).value));
}

async function sessionCookie(context: BrowserContext): Promise<string> {
  const cookie = (await context.cookies(signalUrl)).find((c) => c.name === 'bb_session');
  if (cookie === undefined) {
    throw new Error('no bb_session cookie in the browser');
  }
  return cookie.value;
}

async function clientTicketStatus(link: string): Promise<{ status: number; code?: string }> {
  const parsed = SessionLink.parse(link);
  const response = await fetch(new URL('/v1/tickets', signalUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(siteUrl).origin },
    body: JSON.stringify({ role: 'client', roomId: parsed.roomId, proof: parsed.proof }),
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, ...(body.error?.code ? { code: body.error.code } : {}) };
}

async function sessionStatus(cookie: string): Promise<number> {
  const response = await fetch(new URL('/v1/session', signalUrl), {
    headers: { cookie: `bb_session=${cookie}` },
  });
  return response.status;
}

async function loginStatus(email: string, password: string): Promise<number> {
  const response = await fetch(new URL('/v1/session', signalUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: new URL(siteUrl).origin },
    body: JSON.stringify({ email, password }),
  });
  return response.status;
}

describe('the example practice site with therapist accounts', () => {
  it('serves the account pages with the same strict headers', async () => {
    const paths = [
      '/register',
      '/login',
      '/clients',
      '/account',
      '/assets/clients.js',
      '/assets/register.js',
      '/assets/account.js',
    ];
    for (const path of paths) {
      const response = await fetch(new URL(path, siteUrl));
      expect(response.status).toBe(200);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
  });

  it('registers, adds a client, holds a session by link, imports, rotates, revokes', async () => {
    const secrets: string[] = [PASSWORD];
    const therapist = await watched();
    const page = therapist.page;
    await therapist.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(siteUrl).origin,
    });

    // Register, from the home page's link, with live feedback from the password field.
    await page.goto(siteUrl);
    await page.getByRole('link', { name: 'Create a therapist account' }).click();
    await page.getByLabel('Your name').fill(NAME);
    await page.getByLabel('Email address').fill(EMAIL);
    const password = page.locator('#register-password input');
    await password.fill('ingrid halvorsen lantern');
    await expect
      .poll(() => page.locator('#register-password [part="feedback"]').textContent(), {
        timeout: WAIT_MS,
      })
      .toMatch(/name or email/);
    await password.fill(PASSWORD);
    await expect
      .poll(() => page.locator('#register-password [part="strength"]').textContent(), {
        timeout: WAIT_MS,
      })
      .toMatch(/accepted/);
    await page.getByRole('button', { name: 'Create account' }).click();
    await waitReady(page, '/clients');
    expect(await page.textContent('#who')).toContain(NAME);
    secrets.push(await sessionCookie(therapist.context));

    // Add a client by confidential ID, and make a link for them.
    await page.getByLabel('Confidential ID', { exact: true }).first().fill('C-017');
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.waitForSelector('.client h3:text("C-017")', { timeout: WAIT_MS });
    await page.click('.client .create-link');
    await page.waitForSelector('.link-url', { timeout: WAIT_MS });
    const [firstLink = ''] = await linkUrls(page);
    expect(new URL(firstLink).pathname).toBe('/join');
    await page.click('.copy-link');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(firstLink);

    // The key survives a reload: it is in this browser's IndexedDB, not on a server.
    await page.reload();
    await waitReady(page, '/clients');
    expect(await linkUrls(page)).toEqual([firstLink]);

    // Start the session; the client opens the link in a second page.
    await page.click('.start-session');
    const client = await watched();
    await client.page.goto(firstLink);
    await expectVideoFlowing(page);
    await expectVideoFlowing(client.page);
    expect(await client.page.evaluate(() => location.hash)).toBe('');

    // A second browser (another device) logs in: no key there until the link is pasted.
    const laptop = await watched();
    await laptop.page.goto(new URL('/login', siteUrl).href);
    await laptop.page.getByLabel('Email address').fill(EMAIL);
    await laptop.page.locator('#login-password input').fill(PASSWORD);
    await laptop.page.getByRole('button', { name: 'Log in' }).click();
    await waitReady(laptop.page, '/clients');
    secrets.push(await sessionCookie(laptop.context));
    expect(await linkUrls(laptop.page), 'second browser before import').toEqual([]);
    expect(await laptop.page.textContent('.link')).toMatch(/does not hold this link's key/);
    const foreign = SessionLink.create('http://elsewhere.example/join').url;
    await laptop.page.getByLabel(/A link you made/).fill(foreign);
    await laptop.page.getByRole('button', { name: 'Import' }).click();
    await expect
      .poll(() => laptop.page.textContent('#errors'), { timeout: WAIT_MS })
      .toContain('BB_ERR_LINK_FOREIGN');
    await laptop.page.getByLabel(/A link you made/).fill(firstLink);
    await laptop.page.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => linkUrls(laptop.page), { timeout: WAIT_MS }).toEqual([firstLink]);

    // The second browser forgets its links again, as before leaving a shared device.
    laptop.page.once('dialog', (dialog) => void dialog.accept());
    await laptop.page
      .getByRole('button', { name: 'Forget the links kept in this browser' })
      .click();
    await expect.poll(() => linkUrls(laptop.page), { timeout: WAIT_MS }).toEqual([]);
    await laptop.page.reload();
    await waitReady(laptop.page, '/clients');
    expect(await linkUrls(laptop.page), 'second browser after forgetting').toEqual([]);

    // Rotate: the running session ends and the old link is refused from then on.
    await page.click('.rotate-link');
    await expect
      .poll(async () => (await linkUrls(page))[0], { timeout: WAIT_MS })
      .not.toBe(firstLink);
    const [secondLink = ''] = await linkUrls(page);
    expect(await clientTicketStatus(firstLink)).toEqual({
      status: 403,
      code: 'BB_ERR_PROOF_INVALID',
    });
    const late = await watched();
    await late.page.goto(firstLink);
    await late.page.waitForFunction(
      () => (window as unknown as { __bbErrors: string[] }).__bbErrors.length > 0,
      undefined,
      { timeout: WAIT_MS },
    );
    expect(await late.page.evaluate(() => document.querySelector('bb-session')?.state)).toBe(
      'failed',
    );
    expect(await clientTicketStatus(secondLink)).toMatchObject({ status: 200 });

    // Revoke: the new link stops working too and leaves the list.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('.revoke-link');
    await expect.poll(() => page.locator('.link').count(), { timeout: WAIT_MS }).toBe(0);
    expect(await clientTicketStatus(secondLink)).toEqual({
      status: 403,
      code: 'BB_ERR_PROOF_INVALID',
    });

    // Log out: the cookie's session is gone on the server.
    const lastCookie = await sessionCookie(therapist.context);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.pathname === '/login', { timeout: WAIT_MS });
    const after = await fetch(new URL('/v1/session', signalUrl), {
      headers: { cookie: `bb_session=${lastCookie}` },
    });
    expect(after.status).toBe(401);

    for (const context of [therapist, client, laptop]) {
      expect(context.problems, 'page problems').toEqual([]);
    }

    // Neither the database file nor any log line holds a secret of this flow in clear.
    for (const link of [firstLink, secondLink]) {
      const parsed = SessionLink.parse(link);
      secrets.push(
        new URL(link).hash.slice(3),
        parsed.proof,
        Buffer.from(parsed.bindingKey).toString('base64url'),
        Buffer.from(parsed.bindingKey).toString('hex'),
      );
    }
    expect(secrets.every((secret) => secret.length >= 20)).toBe(true);
    const dbPath = join(example.dataDir, 'practice.db');
    const database = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file).toString('latin1'))
      .join('');
    expect(database).toContain('C-017');
    expect(database).toContain(SessionLink.parse(secondLink).proofHash);
    expect(example.output()).toMatch(/link rotated/);
    for (const secret of secrets) {
      expect(database).not.toContain(secret);
      expect(example.output()).not.toContain(secret);
    }
    expect(example.output()).not.toContain(EMAIL);
    expect(example.output()).not.toContain(NAME);
  });

  it('changes the password, downloads the export, and deletes the account with its links', async () => {
    const name = 'Tomas Ferreira';
    const email = 'tomas.ferreira@practice.example';
    const firstPassword = 'copper heron willow anchor';
    const newPassword = 'slate meadow ember violin';
    const therapist = await watched();
    const page = therapist.page;

    await page.goto(new URL('/register', siteUrl).href);
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Email address').fill(email);
    await page.locator('#register-password input').fill(firstPassword);
    await page.getByRole('button', { name: 'Create account' }).click();
    await waitReady(page, '/clients');
    await page.getByLabel('Confidential ID', { exact: true }).first().fill('C-101');
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.waitForSelector('.client h3:text("C-101")', { timeout: WAIT_MS });
    await page.click('.client .create-link');
    await page.waitForSelector('.link-url', { timeout: WAIT_MS });
    const [link = ''] = await linkUrls(page);
    expect(await clientTicketStatus(link)).toMatchObject({ status: 200 });

    // Another device holds a session of the same account.
    const laptop = await watched();
    await laptop.page.goto(new URL('/login', siteUrl).href);
    await laptop.page.getByLabel('Email address').fill(email);
    await laptop.page.locator('#login-password input').fill(firstPassword);
    await laptop.page.getByRole('button', { name: 'Log in' }).click();
    await waitReady(laptop.page, '/clients');
    const laptopCookie = await sessionCookie(laptop.context);

    await page.getByRole('link', { name: 'Your account' }).click();
    await waitReady(page, '/account');
    expect(await page.textContent('#who')).toContain(name);

    // A wrong current password changes nothing; the right one logs the other device out.
    await page.locator('#current-password input').fill('not my password at all, sorry');
    await page.locator('#new-password input').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => page.textContent('#errors'), { timeout: WAIT_MS })
      .toContain('BB_ERR_LOGIN_FAILED');
    expect(await sessionStatus(laptopCookie)).toBe(200);
    await page.locator('#current-password input').fill(firstPassword);
    await page.locator('#new-password input').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => page.textContent('#message'), { timeout: WAIT_MS })
      .toContain('Your password is changed');
    expect(await sessionStatus(laptopCookie)).toBe(401);
    expect(await loginStatus(email, firstPassword)).toBe(401);
    expect(await loginStatus(email, newPassword)).toBe(200);

    // The export is a download of everything stored: the account and the client list,
    // and no secret.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: WAIT_MS }),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('bb-account-export.json');
    const exported = readFileSync(await download.path(), 'utf8');
    const data = JSON.parse(exported) as {
      therapist: { name: string; email: string };
      clientProfiles: { confidentialId: string }[];
    };
    expect(data.therapist).toMatchObject({ name, email });
    expect(data.clientProfiles.map((profile) => profile.confidentialId)).toEqual(['C-101']);
    const parsed = SessionLink.parse(link);
    expect(exported).toContain(parsed.roomId);
    for (const secret of [firstPassword, newPassword, parsed.proof, new URL(link).hash.slice(3)]) {
      expect(exported).not.toContain(secret);
    }

    // Delete: refused without the right password; then everything goes at once.
    const cookie = await sessionCookie(therapist.context);
    await page.locator('#delete-password input').fill(firstPassword);
    await page.getByLabel(/I understand/).check();
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await expect
      .poll(() => page.textContent('#errors'), { timeout: WAIT_MS })
      .toContain('BB_ERR_LOGIN_FAILED');
    expect(await sessionStatus(cookie)).toBe(200);
    await page.locator('#delete-password input').fill(newPassword);
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL((url) => url.pathname === '/login', { timeout: WAIT_MS });
    expect(await page.textContent('#login-notice')).toContain('have been deleted');
    expect(await sessionStatus(cookie)).toBe(401);
    expect(await loginStatus(email, newPassword)).toBe(401);
    expect((await clientTicketStatus(link)).status).not.toBe(200);
    const keysLeft = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const request = indexedDB.open('bb-link-keys');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const database = request.result;
            const count = database.transaction('links').objectStore('links').count();
            count.onsuccess = () => resolve(count.result);
            count.onerror = () => reject(count.error);
          };
        }),
    );
    expect(keysLeft).toBe(0);

    for (const context of [therapist, laptop]) {
      expect(context.problems, 'page problems').toEqual([]);
    }
    // Nothing of the account is left in the database file or its write-ahead log.
    const dbPath = join(example.dataDir, 'practice.db');
    const database = [dbPath, `${dbPath}-wal`]
      .filter((file) => existsSync(file))
      .map((file) => readFileSync(file).toString('latin1'))
      .join('');
    for (const gone of [email, name, 'C-101', parsed.roomId, parsed.proofHash]) {
      expect(database, gone).not.toContain(gone);
    }
  });
});
