import type { Page } from 'playwright-core';
import type { StoredRecording } from '@bilateral-base/core/recording';
import { describe, expect, it } from 'vitest';
import { WAIT_MS } from './support/frames.js';
import { useHarness } from './support/harness.js';
import type { TestWindow } from './support/page-globals.js';

// The recording controls of <bb-session> on two real Chromium pages through bb-signal.
// The recorder, consent enforcement and the network capture are tested with SessionCall
// in recording.test.ts.

const harness = useHarness();

/** Every recording in the host page's store. */
function storedRecordings(page: Page): Promise<StoredRecording[]> {
  return page.evaluate(async () => {
    const { RecordingStore } = await (window as unknown as TestWindow).bb.loadRecording();
    return (await RecordingStore.open()).list();
  });
}

describe('<bb-session> recording controls, in real Chromium through bb-signal', () => {
  /** Opens the host's element with its ticket; the client's page finds the link itself. */
  async function widgetPair(): Promise<{ host: Page; client: Page }> {
    const clientUrl = `${harness.site.origin}/session.html?signal=${encodeURIComponent(harness.signal.url)}`;
    const link = await harness.signal.createLink(clientUrl);
    const ticket = await harness.signal.hostTicket(link.roomId);
    const recordEvents = `
      window.__bbRecordingEvents = [];
      document.addEventListener('bb-recording-change', (event) => {
        window.__bbRecordingEvents.push({ ...event.detail, composed: event.composed, bubbles: event.bubbles });
      });
    `;
    const host = await harness.newPage(`${harness.site.origin}/session.html`, recordEvents);
    await host.evaluate(
      ({ signalUrl, linkUrl, hostTicket }) => {
        const element = document.createElement('bb-session');
        element.signalUrl = signalUrl;
        element.link = linkUrl;
        element.hostTicket = hostTicket;
        document.body.append(element);
      },
      { signalUrl: harness.signal.url, linkUrl: link.url, hostTicket: ticket },
    );
    const client = await harness.newPage(link.url, recordEvents);
    for (const page of [host, client]) {
      await page.waitForFunction(
        () => document.querySelector('bb-session')?.state === 'connected',
        null,
        {
          timeout: WAIT_MS,
        },
      );
    }
    return { host, client };
  }

  const part = (page: Page, name: string) =>
    page.locator('bb-session').locator(`[part~="${name}"]`);

  it('asks the client, shows the indicator on both sides, and lists the recording', async () => {
    const { host, client } = await widgetPair();
    // Only the host has the record control; the client has no record or list buttons.
    expect(await part(client, 'record-button').isHidden()).toBe(true);
    expect(await part(client, 'recordings-button').isHidden()).toBe(true);
    expect(await part(client, 'consent-dialog').isHidden()).toBe(true);

    await part(host, 'record-button').click();
    const dialog = part(client, 'consent-dialog');
    await dialog.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await dialog.getAttribute('role')).toBe('alertdialog');
    const words = await dialog.innerText();
    expect(words).toMatch(/therapist asks to record/i);
    expect(words).toMatch(/only on your therapist's computer/i);
    expect(words).toMatch(/stop it at any time/i);
    expect(await part(host, 'recording-notice').innerText()).toMatch(/agree to be recorded/i);
    // Nothing records before the client answers.
    expect(await part(host, 'recording-indicator').innerText()).toBe('');

    await part(client, 'consent-accept-button').click();
    for (const page of [host, client]) {
      await page.waitForFunction(
        () =>
          document
            .querySelector('bb-session')
            ?.shadowRoot?.querySelector('[part~="recording-indicator"]')
            ?.classList.contains('on'),
        null,
        { timeout: WAIT_MS },
      );
      expect((await part(page, 'recording-indicator').innerText()).trim()).toBe('Recording');
    }
    await client.waitForFunction(
      () =>
        document
          .querySelector('bb-session')
          ?.shadowRoot?.querySelector('[part~="recording-indicator"]')
          ?.getAttribute('data-state') === 'recording',
      null,
      { timeout: WAIT_MS },
    );
    expect(await part(host, 'record-stop-button').isVisible()).toBe(true);
    expect(await part(client, 'recording-withdraw-button').isVisible()).toBe(true);
    await host.waitForTimeout(2000);

    // The client withdraws with its button: both indicators go at once.
    await part(client, 'recording-withdraw-button').click();
    await host.waitForFunction(
      () =>
        document
          .querySelector('bb-session')
          ?.shadowRoot?.querySelector('[part~="recording-indicator"]')
          ?.getAttribute('data-state') === 'idle',
      null,
      { timeout: WAIT_MS },
    );
    expect(await part(client, 'recording-indicator').innerText()).toBe('');
    expect(await part(host, 'recording-notice').innerText()).toMatch(/stopped the recording/i);

    const hostEvents = await host.evaluate(
      () =>
        (window as unknown as { __bbRecordingEvents: Record<string, unknown>[] })
          .__bbRecordingEvents,
    );
    expect(
      hostEvents.map((event) => `${String(event['state'])}:${String(event['reason'])}`),
    ).toEqual(['requesting:requested', 'starting:accepted', 'recording:started', 'idle:withdrawn']);
    expect(
      hostEvents.every((event) => event['bubbles'] === true && event['composed'] === true),
    ).toBe(true);

    // The host's list shows the recording, with save and a two-step delete.
    await part(host, 'recordings-button').click();
    const item = part(host, 'recording-item');
    await item.waitFor({ state: 'visible', timeout: WAIT_MS });
    expect(await item.count()).toBe(1);
    expect(await item.getAttribute('data-status')).toBe('complete');
    expect(await part(host, 'recording-export-button').isVisible()).toBe(true);
    await part(host, 'recording-delete-button').click();
    expect((await part(host, 'recording-delete-button').innerText()).trim()).toBe(
      'Delete for good',
    );
    await part(host, 'recording-delete-button').click();
    await item.waitFor({ state: 'detached', timeout: WAIT_MS });
    expect(await storedRecordings(host)).toEqual([]);
  });
});
