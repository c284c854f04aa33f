// Calls bb-signal's account API straight from the therapist's browser. The site and
// bb-signal are same-site (same host; only the port differs), so bb-signal's
// SameSite=Strict, HttpOnly `bb_session` cookie is sent with `credentials: 'include'`, and
// bb-signal's CORS answer allows exactly this site's origin with credentials. The
// password goes only to bb-signal, never through this site's own backend (see README).
import type { SessionResponse } from '@bilateral-base/core/accounts';
import { signalUrlFromPage } from './page-config.js';

/** An error answer of bb-signal, shown to people as "message (CODE)". */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Field-level problems, in plain words, when bb-signal gave them. */
  readonly issues: readonly string[];

  constructor(status: number, code: string, message: string, issues: readonly string[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.issues = issues;
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; issues?: { message?: string }[] };
}

/** Sends one request to bb-signal with the session cookie; resolves to the JSON body. */
export async function callSignal<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, signalUrlFromPage()), {
      method,
      credentials: 'include',
      cache: 'no-store',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'BB_ERR_SIGNAL_UNREACHABLE', 'The signalling server did not answer', []);
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const value = (await response.json().catch(() => ({}))) as T & ErrorBody;
  if (!response.ok) {
    const error = value.error ?? {};
    const issues = (error.issues ?? []).map((issue) => issue.message ?? '').filter(Boolean);
    const retry = response.headers.get('retry-after');
    const message =
      (error.message ?? `bb-signal answered ${response.status}`) +
      (retry === null ? '' : ` Try again in ${retry} seconds.`);
    throw new ApiError(response.status, error.code ?? 'BB_ERR_INTERNAL', message, issues);
  }
  return value;
}

/** Writes an error into `region` in words, with its code, and its issues as a list. */
export function showError(region: HTMLElement, prefix: string, error: unknown): void {
  const code = error instanceof ApiError ? error.code : (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const line = document.createElement('p');
  line.textContent = `${prefix}: ${message}${code === undefined ? '' : ` (${code})`}`;
  const parts: Node[] = [line];
  if (error instanceof ApiError && error.issues.length > 0) {
    const list = document.createElement('ul');
    for (const issue of error.issues) {
      const item = document.createElement('li');
      item.textContent = issue;
      list.append(item);
    }
    parts.push(list);
  }
  region.replaceChildren(...parts);
}

/** What a logged-in page says to the person: a status line and an error region. */
export interface PageVoice {
  say(text: string): void;
  fail(prefix: string, error: unknown): void;
}

/**
 * Writes news to `message` and failures to `errors` (focused, so screen readers announce
 * them). A failure because the login has ended sends the person to the login page.
 */
export function pageVoice(message: HTMLElement, errors: HTMLElement): PageVoice {
  return {
    say(text) {
      errors.replaceChildren();
      message.textContent = text;
    },
    fail(prefix, error) {
      message.textContent = '';
      showError(errors, prefix, error);
      errors.focus();
      if (error instanceof ApiError && error.code === 'BB_ERR_SESSION_REQUIRED') {
        location.assign('/login');
      }
    },
  };
}

/** The current login, or `undefined` after sending the person to the login page. */
export async function currentSessionOrLogin(): Promise<SessionResponse | undefined> {
  try {
    return await callSignal<SessionResponse>('GET', '/v1/session');
  } catch (error) {
    if (error instanceof ApiError && error.code === 'BB_ERR_SESSION_REQUIRED') {
      location.assign('/login');
      return undefined;
    }
    throw error;
  }
}

/**
 * Runs `send` when `form` is submitted and valid, with `submit` disabled meanwhile;
 * a failure goes to `report` and enables the button again.
 */
export function onValidSubmit(
  form: HTMLFormElement,
  submit: HTMLButtonElement,
  report: (error: unknown) => void,
  send: () => Promise<void>,
): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) {
      return;
    }
    submit.disabled = true;
    try {
      await send();
    } catch (error) {
      report(error);
    } finally {
      submit.disabled = false;
    }
  });
}

/** Reports a form's failure in `errors`, in words with its code, and moves focus there. */
export function reportIn(errors: HTMLElement, prefix: string): (error: unknown) => void {
  return (error) => {
    showError(errors, prefix, error);
    errors.focus();
  };
}
