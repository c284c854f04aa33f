// Registration: the password is chosen in <bb-password-field>, which checks the same
// policy bb-signal enforces, live and in the browser, before anything is sent.
import type { SessionResponse } from '@bilateral-base/core/accounts';
import '@bilateral-base/widget/password-field';
import { callSignal, onValidSubmit, reportIn } from './account-api.js';
import { required } from './page-config.js';

const form = required<HTMLFormElement>('#register-form');
const nameField = required<HTMLInputElement>('#register-name');
const emailField = required<HTMLInputElement>('#register-email');
const passwordField = required<HTMLElementTagNameMap['bb-password-field']>('#register-password');
const submit = required<HTMLButtonElement>('#register-submit');
const errors = required<HTMLElement>('#register-errors');

// The policy refuses passwords built from the person's own name or email.
const syncContext = () => {
  passwordField.userName = nameField.value;
  passwordField.userEmail = emailField.value;
};
nameField.addEventListener('input', syncContext);
emailField.addEventListener('input', syncContext);

onValidSubmit(form, submit, reportIn(errors, 'Could not register'), async () => {
  errors.replaceChildren();
  await callSignal<SessionResponse>('POST', '/v1/account', {
    name: nameField.value,
    email: emailField.value,
    password: passwordField.value,
  });
  location.assign('/clients');
});
