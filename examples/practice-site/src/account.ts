// The therapist's own account: change the password, download everything bb-signal
// stores about them, delete the account. All three go straight to bb-signal with the
// session cookie; passwords never pass through this site's backend.
import type { SessionResponse } from '@bilateral-base/core/accounts';
import { LinkKeyStore } from '@bilateral-base/core/key-store';
import '@bilateral-base/widget/password-field';
import { callSignal, currentSessionOrLogin, onValidSubmit, pageVoice } from './account-api.js';
import { required } from './page-config.js';

type PasswordField = HTMLElementTagNameMap['bb-password-field'];

const who = required<HTMLElement>('#who');
const passwordForm = required<HTMLFormElement>('#password-form');
const currentPassword = required<PasswordField>('#current-password');
const newPassword = required<PasswordField>('#new-password');
const passwordSubmit = required<HTMLButtonElement>('#password-submit');
const exportButton = required<HTMLButtonElement>('#export');
const deleteForm = required<HTMLFormElement>('#delete-form');
const deletePassword = required<PasswordField>('#delete-password');
const deleteSubmit = required<HTMLButtonElement>('#delete-submit');
const message = required<HTMLElement>('#message');
const errors = required<HTMLElement>('#errors');

const joinUrl = new URL('/join', location.origin);

const { say, fail } = pageVoice(message, errors);

onValidSubmit(
  passwordForm,
  passwordSubmit,
  (error) => fail('Could not change the password', error),
  async () => {
    // bb-signal answers with a fresh session: every other session of this account ends,
    // so a device someone else still holds is logged out by the change.
    await callSignal<SessionResponse>('POST', '/v1/account/password', {
      currentPassword: currentPassword.value,
      newPassword: newPassword.value,
    });
    passwordForm.reset();
    say('Your password is changed. Other devices have been logged out.');
  },
);

exportButton.addEventListener('click', async () => {
  exportButton.disabled = true;
  try {
    const data = await callSignal<unknown>('GET', '/v1/account/export');
    const file = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
    const url = URL.createObjectURL(file);
    const anchor = Object.assign(document.createElement('a'), {
      href: url,
      download: 'bb-account-export.json',
    });
    anchor.click();
    // The click has started the download; the Blob URL is no longer needed.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    say('Your data is downloading as bb-account-export.json.');
  } catch (error) {
    fail('Could not download your data', error);
  } finally {
    exportButton.disabled = false;
  }
});

onValidSubmit(
  deleteForm,
  deleteSubmit,
  (error) => fail('Could not delete the account', error),
  async () => {
    await callSignal('DELETE', '/v1/account', { password: deletePassword.value });
    // The links are dead on the server; their keys in this browser are of no use now
    // and are removed so nothing of the account stays behind on this device.
    try {
      const keys = await LinkKeyStore.open({ joinUrl });
      await keys.clear();
      keys.close();
    } catch {
      // Storage may be unavailable (private mode); there is then nothing to remove.
    }
    location.assign('/login?deleted=1');
  },
);

async function start(): Promise<void> {
  const session = await currentSessionOrLogin();
  if (session === undefined) {
    return;
  }
  who.textContent = `Logged in as ${session.therapist.name}.`;
  newPassword.userName = session.therapist.name;
  newPassword.userEmail = session.therapist.email;
  document.body.dataset['ready'] = 'true';
}

start().catch((error: unknown) => fail('Could not load your account', error));
