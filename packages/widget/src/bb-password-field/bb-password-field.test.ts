import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage } from '../../../../test/e2e/support/chromium.js';
import { WAIT_MS } from '../../../../test/e2e/support/frames.js';

// The component on its own, in real Chromium, inside a real <form>, loaded from its own
// no-build bundle; the password policy arrives as a separate chunk on first use.

const DIST = new URL('../../dist/password-field/', import.meta.url);
const SOURCE = await readFile(new URL('./bb-password-field.ts', import.meta.url), 'utf8');

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8" /><title>password field</title></head>
<body>
  <form id="form">
    <bb-password-field id="field" name="password" label="Choose a password" required
      user-name="Margarethe Olsen-Vance" user-email="m.olsenvance@clinic.example">
    </bb-password-field>
    <button id="submit">Create account</button>
  </form>
  <script type="module">
    import * as bundle from '/password-field/bb-password-field.bundle.js';
    window.bundle = bundle;
    window.verdicts = [];
    window.submitted = [];
    document.addEventListener('bb-password-verdict', (event) => {
      window.verdicts.push({ detail: event.detail, bubbles: event.bubbles,
        composed: event.composed });
    });
    document.querySelector('#form').addEventListener('submit', (event) => {
      event.preventDefault();
      window.submitted.push(new FormData(event.target).get('password'));
    });
    window.ready = true;
  </script>
</body></html>`;

/** A page with the bundle but no field yet, to see when the policy is fetched. */
const EMPTY_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8" /><title>x</title>
</head><body><script type="module">
  import '/password-field/bb-password-field.bundle.js';
  window.ready = true;
</script></body></html>`;

let server: Server;
let origin: string;
let browser: Browser;
const pages: Page[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const headers = { 'cache-control': 'no-store' };
    if (path === '/form.html' || path === '/empty.html') {
      response.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' });
      response.end(path === '/form.html' ? PAGE : EMPTY_PAGE);
      return;
    }
    const file = path.startsWith('/password-field/') ? basename(path) : '';
    readFile(new URL(file, DIST)).then(
      (body) => {
        response.writeHead(200, { ...headers, 'content-type': 'text/javascript' });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close()));
});

afterAll(async () => {
  await browser?.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

interface PageGlobals {
  ready: boolean;
  verdicts: { detail: Record<string, unknown>; bubbles: boolean; composed: boolean }[];
  submitted: unknown[];
}

async function open(path: string, requests: string[] = [], logs: string[] = []): Promise<Page> {
  const { page } = await openPage(browser);
  pages.push(page);
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => logs.push(message.text()));
  await page.goto(`${origin}${path}`);
  await page.waitForFunction(() => (window as unknown as PageGlobals).ready, undefined, {
    timeout: WAIT_MS,
  });
  return page;
}

/** Types into the field and waits until the policy has judged exactly that value. */
async function type(page: Page, password: string): Promise<void> {
  await page.locator('#field input').fill(password);
  await page.waitForFunction(
    (expected) => {
      const field = document.querySelector('bb-password-field');
      const text = field?.shadowRoot?.querySelector('[part="strength"]')?.textContent ?? '';
      return field?.value === expected && /Strength:/.test(text);
    },
    password,
    { timeout: WAIT_MS },
  );
}

const validity = (page: Page) =>
  page.evaluate(() => {
    const field = document.querySelector('bb-password-field');
    const form = document.querySelector('form');
    return {
      formValid: form?.checkValidity(),
      valueMissing: field?.validity.valueMissing,
      customError: field?.validity.customError,
      message: field?.validationMessage,
      strength: field?.shadowRoot?.querySelector('[part="strength"]')?.textContent?.trim(),
      meter: (field?.shadowRoot?.querySelector('meter') as HTMLMeterElement | null)?.value,
      feedback: field?.shadowRoot?.querySelector('[part="feedback"]')?.textContent ?? '',
    };
  });

describe('<bb-password-field> in a form', () => {
  it('is labelled, required, and refuses what the policy refuses', async () => {
    const page = await open('/form.html');
    await expect(page.getByLabel('Choose a password').count()).resolves.toBe(1);
    expect(await validity(page)).toMatchObject({ formValid: false, valueMissing: true });

    await type(page, 'tulip orbit');
    const short = await validity(page);
    expect(short).toMatchObject({ formValid: false, customError: true });
    expect(short.message).toMatch(/at least 15 characters/);
    expect(short.strength).toMatch(/Not accepted yet/);

    await type(page, 'olsen harbour violet lantern');
    const personal = await validity(page);
    expect(personal.formValid).toBe(false);
    expect(personal.message).toMatch(/name or email/);

    await type(page, 'marble kestrel lantern quay');
    const strong = await validity(page);
    expect(strong).toMatchObject({ formValid: true, customError: false });
    expect(strong.strength).toMatch(/accepted/);
    expect(strong.meter).toBeGreaterThanOrEqual(3);
  });

  it('blocks a submit while refused, then submits its value under its name', async () => {
    const page = await open('/form.html');
    await type(page, 'password1234567');
    await page.click('#submit');
    await type(page, 'marble kestrel lantern quay');
    await page.click('#submit');
    const submitted = await page.evaluate(() => (window as unknown as PageGlobals).submitted);
    expect(submitted).toEqual(['marble kestrel lantern quay']);
    await page.evaluate(() => document.querySelector('form')?.reset());
    expect(await page.evaluate(() => document.querySelector('bb-password-field')?.value)).toBe('');
  });

  it('shows and hides the password with a pressed-state button', async () => {
    const page = await open('/form.html');
    await type(page, 'marble kestrel lantern quay');
    const state = () =>
      page.evaluate(() => {
        const root = document.querySelector('bb-password-field')?.shadowRoot;
        return {
          type: root?.querySelector('input')?.type,
          pressed: root?.querySelector('button')?.getAttribute('aria-pressed'),
        };
      });
    expect(await state()).toEqual({ type: 'password', pressed: 'false' });
    await page.getByRole('button', { name: 'Show password' }).click();
    expect(await state()).toEqual({ type: 'text', pressed: 'true' });
    await page.getByRole('button', { name: 'Hide password' }).click();
    expect(await state()).toEqual({ type: 'password', pressed: 'false' });
  });

  it('never puts the password in an attribute, an event or the console', async () => {
    const logs: string[] = [];
    const page = await open('/form.html', [], logs);
    const secret = 'marble kestrel lantern quay';
    await type(page, 'olsen harbour violet lantern');
    await type(page, secret);
    const verdicts = await page.evaluate(() => (window as unknown as PageGlobals).verdicts);
    expect(verdicts.length).toBeGreaterThanOrEqual(2);
    for (const verdict of verdicts) {
      expect(verdict.bubbles && verdict.composed).toBe(true);
      expect(Object.keys(verdict.detail).sort()).toEqual(['acceptable', 'reasons', 'score']);
    }
    expect(verdicts.at(-1)?.detail).toMatchObject({ acceptable: true, reasons: [] });
    expect(verdicts.some((v) => (v.detail['reasons'] as string[]).includes('personal'))).toBe(true);
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    expect(html).not.toContain(secret);
    expect(JSON.stringify(verdicts)).not.toContain(secret);
    expect(logs.join('\n')).not.toContain(secret);
  });

  it('fetches the password policy only when a field is on the page', async () => {
    const requests: string[] = [];
    const page = await open('/empty.html', requests);
    const policy = () => requests.filter((url) => /password-policy-/.test(url));
    expect(policy()).toEqual([]);
    await page.evaluate(() => document.body.append(document.createElement('bb-password-field')));
    await page.waitForFunction(
      () =>
        /Use at least 15/.test(
          document.querySelector('bb-password-field')?.shadowRoot?.textContent ?? '',
        ),
      undefined,
      { timeout: WAIT_MS },
    );
    await expect.poll(() => policy().length, { timeout: WAIT_MS }).toBe(1);
  });

  it('documents every part it renders', async () => {
    const page = await open('/form.html');
    await type(page, 'tulip orbit');
    const documented = [...SOURCE.matchAll(/@csspart (\S+) - /g)].map((m) => m[1] as string);
    const present = await page.evaluate((names) => {
      const root = document.querySelector('bb-password-field')?.shadowRoot;
      return names.filter((name) => root?.querySelector(`[part~="${name}"]`) !== null);
    }, documented);
    expect(present).toEqual(documented);
  });
});
