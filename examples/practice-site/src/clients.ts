// The therapist's client list: anonymous client profiles (a confidential ID only), their
// reusable session links, and starting a session. Links are made here, in the browser:
// bb-signal receives a room id and a proof hash, never a key. The keys are kept in this
// browser's IndexedDB so a link can be copied again later (LinkKeyStore).
import type { Profile, ProfileListResponse } from '@bilateral-base/core/accounts';
import { assertLinkBelongs, LinkKeyStore, type StoredLink } from '@bilateral-base/core/key-store';
import { SessionLink } from '@bilateral-base/core/links';
import type { TicketResponse } from '@bilateral-base/core/protocol';
import '@bilateral-base/widget/define';
import { ApiError, callSignal, currentSessionOrLogin, pageVoice } from './account-api.js';
import { required, signalUrlFromPage } from './page-config.js';

const who = required<HTMLElement>('#who');
const logoutButton = required<HTMLButtonElement>('#logout');
const addForm = required<HTMLFormElement>('#add-client-form');
const newId = required<HTMLInputElement>('#new-confidential-id');
const list = required<HTMLElement>('#client-list');
const importForm = required<HTMLFormElement>('#import-form');
const importField = required<HTMLInputElement>('#import-link');
const forgetButton = required<HTMLButtonElement>('#forget-links');
const message = required<HTMLElement>('#message');
const errors = required<HTMLElement>('#errors');
const stage = required<HTMLElement>('#stage');

const joinUrl = new URL('/join', location.origin);
let keys: LinkKeyStore | undefined;
let profiles: Profile[] = [];

const { say, fail } = pageVoice(message, errors);

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

/** Runs a button's action with the button disabled, reporting failures in words. */
function action(label: string, failure: string, run: () => Promise<void>): HTMLButtonElement {
  const button = element('button', { type: 'button', textContent: label });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await run();
    } catch (error) {
      fail(failure, error);
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

async function storedKeys(): Promise<Map<string, StoredLink>> {
  if (keys === undefined) {
    return new Map();
  }
  return new Map((await keys.list()).map((stored) => [stored.roomId, stored]));
}

async function createLink(profile: Profile): Promise<void> {
  const link = SessionLink.create(joinUrl);
  await callSignal('POST', `/v1/profiles/${profile.id}/links`, {
    roomId: link.roomId,
    proofHash: link.proofHash,
  });
  await keys?.save(link, profile.id);
  await refresh();
  say(`New link for ${profile.confidentialId}. Copy it and send it only to this client.`);
}

async function rotateLink(profile: Profile, roomId: string): Promise<void> {
  const link = SessionLink.create(joinUrl);
  await callSignal('POST', `/v1/links/${roomId}/rotate`, {
    roomId: link.roomId,
    proofHash: link.proofHash,
  });
  await keys?.save(link, profile.id);
  await keys?.delete(roomId);
  await refresh();
  say(`The old link of ${profile.confidentialId} no longer works. Send the client the new one.`);
}

async function revokeLink(profile: Profile, roomId: string): Promise<void> {
  if (!confirm(`Revoke this link of ${profile.confidentialId}? It stops working at once.`)) {
    return;
  }
  await callSignal('DELETE', `/v1/links/${roomId}`);
  await keys?.delete(roomId);
  await refresh();
  say(`The link of ${profile.confidentialId} was revoked.`);
}

async function startSession(stored: StoredLink): Promise<void> {
  // A host ticket must be used within a minute, so it is asked for only now, with the
  // session cookie: bb-signal gives one only for rooms of this therapist's own clients.
  const hostTicket = await callSignal<TicketResponse>('POST', '/v1/tickets', {
    role: 'host',
    roomId: stored.roomId,
  });
  const session = document.createElement('bb-session');
  session.signalUrl = signalUrlFromPage();
  session.link = stored.url;
  session.hostTicket = hostTicket;
  stage.replaceChildren(session);
  say('Session started. Waiting for your client to open the link.');
}

function renderLink(profile: Profile, roomId: string, stored: StoredLink | undefined): Node {
  const item = element('li', { className: 'link' });
  item.dataset['roomId'] = roomId;
  if (stored === undefined) {
    item.append(
      element(
        'p',
        {},
        "This browser does not hold this link's key. Paste the link under " +
          '"Import a link" to use it here, or rotate it to make a new one.',
      ),
    );
  } else {
    const fieldId = `link-${roomId}`;
    const field = element('input', {
      id: fieldId,
      type: 'text',
      readOnly: true,
      value: stored.url,
    });
    field.className = 'link-url';
    const copy = action('Copy', 'Could not copy', async () => {
      await navigator.clipboard.writeText(stored.url);
      say('Link copied.');
    });
    copy.className = 'copy-link';
    const start = action('Start session', 'Could not start the session', () =>
      startSession(stored),
    );
    start.className = 'start-session';
    item.append(
      element('label', { htmlFor: fieldId }, `Session link for ${profile.confidentialId}`),
      element('div', { className: 'row' }, field, copy),
      start,
    );
  }
  const rotate = action('Rotate', 'Could not rotate the link', () => rotateLink(profile, roomId));
  rotate.className = 'rotate-link';
  const revoke = action('Revoke', 'Could not revoke the link', () => revokeLink(profile, roomId));
  revoke.className = 'revoke-link';
  item.append(rotate, revoke);
  return item;
}

function renderRename(profile: Profile): Node {
  const fieldId = `rename-${profile.id}`;
  const field = element('input', { id: fieldId, type: 'text', required: true, maxLength: 64 });
  field.value = profile.confidentialId;
  const form = element(
    'form',
    { className: 'rename row' },
    element('label', { htmlFor: fieldId }, 'Confidential ID'),
    field,
    element('button', { type: 'submit', textContent: 'Rename' }),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await callSignal('PATCH', `/v1/profiles/${profile.id}`, { confidentialId: field.value });
      await refresh();
      say(`Renamed to ${field.value.trim()}.`);
    } catch (error) {
      fail('Could not rename', error);
    }
  });
  return form;
}

function renderProfile(profile: Profile, stored: Map<string, StoredLink>): Node {
  const item = element('li', { className: 'client' });
  item.dataset['profileId'] = profile.id;
  const create = action('Create a link', 'Could not create a link', () => createLink(profile));
  create.className = 'create-link';
  const remove = action('Delete client', 'Could not delete the client', async () => {
    if (!confirm(`Delete ${profile.confidentialId} and all of their links?`)) {
      return;
    }
    await callSignal('DELETE', `/v1/profiles/${profile.id}`);
    for (const link of profile.links) {
      await keys?.delete(link.roomId);
    }
    await refresh();
    say(`${profile.confidentialId} was deleted.`);
  });
  remove.className = 'delete-client';
  const links = element('ul', { className: 'links' });
  links.append(
    ...profile.links.map((link) => renderLink(profile, link.roomId, stored.get(link.roomId))),
  );
  item.append(
    element('h3', {}, profile.confidentialId),
    renderRename(profile),
    links,
    element('div', { className: 'row' }, create, remove),
  );
  return item;
}

async function refresh(): Promise<void> {
  const answer = await callSignal<ProfileListResponse>('GET', '/v1/profiles');
  profiles = answer.profiles;
  const stored = await storedKeys();
  list.replaceChildren(...profiles.map((profile) => renderProfile(profile, stored)));
  if (profiles.length === 0) {
    list.replaceChildren(element('li', {}, 'No clients yet. Add one above.'));
  }
}

addForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    await callSignal('POST', '/v1/profiles', { confidentialId: newId.value });
    say(`${newId.value.trim()} was added.`);
    newId.value = '';
    await refresh();
  } catch (error) {
    fail('Could not add the client', error);
  }
});

importForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    if (keys === undefined) {
      throw new ApiError(0, 'BB_ERR_KEY_STORE_UNAVAILABLE', 'This browser cannot store links', []);
    }
    // Another site's link is refused before anything else, with its own code.
    const pasted = SessionLink.parse(importField.value.trim());
    assertLinkBelongs(pasted, joinUrl);
    const roomId = pasted.roomId;
    const owner = profiles.find((profile) => profile.links.some((l) => l.roomId === roomId));
    if (owner === undefined) {
      throw new ApiError(404, 'BB_ERR_ROOM_UNKNOWN', 'None of your clients has this link', []);
    }
    await keys.importLink(importField.value, owner.id);
    importField.value = '';
    await refresh();
    say(`The link of ${owner.confidentialId} is now kept in this browser.`);
  } catch (error) {
    fail('Could not import the link', error);
  }
});

forgetButton.addEventListener('click', async () => {
  if (!confirm('Remove every link from this browser? Your clients can still use them.')) {
    return;
  }
  try {
    await keys?.clear();
    await refresh();
    say('This browser no longer holds any link. Import a link by pasting it to use it here.');
  } catch (error) {
    fail('Could not forget the links', error);
  }
});

logoutButton.addEventListener('click', async () => {
  try {
    await callSignal('DELETE', '/v1/session');
    location.assign('/login');
  } catch (error) {
    fail('Could not log out', error);
  }
});

async function start(): Promise<void> {
  const session = await currentSessionOrLogin();
  if (session === undefined) {
    return;
  }
  who.textContent = `Logged in as ${session.therapist.name}.`;
  try {
    keys = await LinkKeyStore.open({ joinUrl });
  } catch (error) {
    fail('Links cannot be kept in this browser; copy each one when you make it', error);
  }
  await refresh();
  document.body.dataset['ready'] = 'true';
}

start().catch((error: unknown) => fail('Could not load your clients', error));
