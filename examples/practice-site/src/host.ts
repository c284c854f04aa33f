// The therapist's page. The link key is made here, in the browser; the practice
// site's backend only ever sees the room id and the proof hash, and mints the host
// ticket with its API key.
import { SessionLink, type TicketResponse } from '@bilateral-base/core';
import '@bilateral-base/widget/define';
import { required, signalUrlFromPage } from './page-config.js';

const createButton = required<HTMLButtonElement>('#create-link');
const startButton = required<HTMLButtonElement>('#start-session');
const copyButton = required<HTMLButtonElement>('#copy-link');
const linkField = required<HTMLInputElement>('#session-link');
const linkPanel = required<HTMLElement>('#link-panel');
const message = required<HTMLElement>('#message');
const stage = required<HTMLElement>('#stage');

let link: SessionLink | undefined;

async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const value = (await response.json()) as T & { error?: { code: string; message: string } };
  if (!response.ok) {
    throw new Error(`${value.error?.code ?? response.status}: ${value.error?.message ?? ''}`);
  }
  return value;
}

function show(text: string): void {
  message.textContent = text;
}

createButton.addEventListener('click', async () => {
  createButton.disabled = true;
  try {
    const created = SessionLink.create(new URL('/join', location.origin));
    await postJson('/api/links', { roomId: created.roomId, proofHash: created.proofHash });
    link = created;
    linkField.value = created.url;
    linkPanel.hidden = false;
    startButton.disabled = false;
    show('Send this link to your client through a channel you trust.');
  } catch (error) {
    show(`Could not create a link: ${(error as Error).message}`);
    createButton.disabled = false;
  }
});

copyButton.addEventListener('click', async () => {
  await navigator.clipboard.writeText(linkField.value);
  show('Link copied.');
});

startButton.addEventListener('click', async () => {
  if (link === undefined) return;
  startButton.disabled = true;
  try {
    // Tickets must be used within a minute, so ask for one only now.
    const hostTicket = await postJson<TicketResponse>('/api/host-ticket', { roomId: link.roomId });
    const session = document.createElement('bb-session');
    session.signalUrl = signalUrlFromPage();
    session.link = link.url;
    session.hostTicket = hostTicket;
    stage.replaceChildren(session);
    show('');
  } catch (error) {
    show(`Could not start the session: ${(error as Error).message}`);
    startButton.disabled = false;
  }
});
