// Log in with email and password; bb-signal answers with its session cookie.
import type { SessionResponse } from '@bilateral-base/core/accounts';
import '@bilateral-base/widget/password-field';
import { callSignal, onValidSubmit, reportIn } from './account-api.js';
import { required } from './page-config.js';

const form = required<HTMLFormElement>('#login-form');
const emailField = required<HTMLInputElement>('#login-email');
const passwordField = required<HTMLElementTagNameMap['bb-password-field']>('#login-password');
const submit = required<HTMLButtonElement>('#login-submit');
const errors = required<HTMLElement>('#login-errors');
const notice = required<HTMLElement>('#login-notice');

// The account page sends people here after deleting their account.
if (new URLSearchParams(location.search).has('deleted')) {
  notice.textContent = 'Your account and everything stored with it have been deleted.';
}

onValidSubmit(form, submit, reportIn(errors, 'Could not log in'), async () => {
  errors.replaceChildren();
  await callSignal<SessionResponse>('POST', '/v1/session', {
    email: emailField.value,
    password: passwordField.value,
  });
  location.assign('/clients');
});
