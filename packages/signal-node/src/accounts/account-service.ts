import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isBbError } from '@bilateral-base/core/errors';
import {
  checkPassword,
  refuseBreachedPassword,
  type BreachCheckOptions,
} from '@bilateral-base/core/password';
import type { Logger } from 'pino';
import { HttpError } from '../http/http-error.js';
import type { AccountStore, TherapistRecord } from '../storage/account-store.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';

/** 256 bits: far beyond guessing (OWASP ASVS 5.0 V7.2.3 asks for at least 128). */
const SESSION_TOKEN_BYTES = 32;
/**
 * Writing last_seen_at on every request would turn reads into writes; a minute is
 * precise enough for idle expiry.
 */
const TOUCH_INTERVAL_MS = 60_000;

export interface AccountServiceDeps {
  readonly store: AccountStore;
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly now: () => number;
  readonly loginIdleMs: number;
  readonly loginMaxMs: number;
  /** The optional Pwned Passwords range check; absent or not enabled: no check. */
  readonly breachCheck?: BreachCheckOptions | undefined;
  readonly log: Logger;
}

export interface NewSession {
  readonly token: string;
  readonly therapist: TherapistRecord;
  readonly expiresAt: number;
}

export interface CurrentSession {
  readonly tokenHash: string;
  readonly therapist: TherapistRecord;
  readonly expiresAt: number;
}

/** Sessions are stored as this hash, so a copy of the database opens no session. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Throttle counters are keyed by a digest so process memory holds no email address. */
function throttleKey(email: string): string {
  return createHash('sha256').update(email, 'utf8').digest('base64url');
}

export class RateLimitedError extends HttpError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterMs: number) {
    super(429, 'BB_ERR_RATE_LIMITED', 'Too many failed attempts; wait before trying again');
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}

const loginFailed = (status: number, message: string) =>
  new HttpError(status, 'BB_ERR_LOGIN_FAILED', message);

/**
 * Registration, login and password checks for therapists. Routes call this; it holds no
 * HTTP concerns beyond the coded errors it throws.
 */
export class AccountService {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly deps: AccountServiceDeps) {}

  /**
   * A hash of a random password nobody knows, made with the current parameters. An
   * unknown email is checked against it, so that answer costs the same scrypt work as a
   * wrong password (OWASP ASVS 5.0 V6.3.8, no account enumeration by timing).
   */
  prepare(): Promise<string> {
    this.dummyHash ??= this.deps.hasher.hash(randomBytes(32).toString('base64url'));
    return this.dummyHash;
  }

  async register(name: string, email: string, password: string): Promise<NewSession> {
    const cleanName = name.trim().normalize('NFC');
    const cleanEmail = normalizeEmail(email);
    if (cleanName.length === 0) {
      throw new HttpError(400, 'BB_ERR_BAD_REQUEST', 'The request body does not match its schema', [
        { path: 'name', message: 'must not be blank' },
      ]);
    }
    this.enforcePolicy(password, cleanName, cleanEmail);
    await this.refuseBreached(password);
    const therapist: TherapistRecord = {
      id: randomUUID(),
      name: cleanName,
      email: cleanEmail,
      passwordHash: await this.deps.hasher.hash(password),
      createdAt: this.deps.now(),
    };
    if (this.deps.store.createTherapist(therapist) === 'taken') {
      throw new HttpError(409, 'BB_ERR_EMAIL_TAKEN', 'An account with this email address exists');
    }
    this.deps.log.info({ therapistId: therapist.id }, 'therapist registered');
    return this.openSession(therapist);
  }

  async login(email: string, password: string, address: string): Promise<NewSession> {
    const therapist = await this.checkCredentials(normalizeEmail(email), password, address);
    if (therapist === undefined) {
      throw loginFailed(401, 'The email address or password is wrong');
    }
    let current = therapist;
    if (this.deps.hasher.needsRehash(therapist.passwordHash)) {
      const passwordHash = await this.deps.hasher.hash(password);
      this.deps.store.setPasswordHash(therapist.id, passwordHash);
      current = { ...therapist, passwordHash };
      this.deps.log.info({ therapistId: therapist.id }, 'password rehashed');
    }
    this.deps.log.info({ therapistId: therapist.id }, 'logged in');
    return this.openSession(current);
  }

  /** Ends every session of the therapist and opens a fresh one for the caller. */
  async changePassword(
    session: CurrentSession,
    currentPassword: string,
    newPassword: string,
    address: string,
  ): Promise<NewSession> {
    await this.confirmPassword(session.therapist, currentPassword, address);
    const { therapist } = session;
    this.enforcePolicy(newPassword, therapist.name, therapist.email);
    await this.refuseBreached(newPassword);
    const passwordHash = await this.deps.hasher.hash(newPassword);
    this.deps.store.setPasswordHash(therapist.id, passwordHash);
    this.deps.store.deleteSessionsOf(therapist.id);
    this.deps.log.info({ therapistId: therapist.id }, 'password changed');
    return this.openSession({ ...therapist, passwordHash });
  }

  /** Throws 403 `BB_ERR_LOGIN_FAILED` (throttled like a login) unless `password` is right. */
  async confirmPassword(
    therapist: TherapistRecord,
    password: string,
    address: string,
  ): Promise<void> {
    if ((await this.checkCredentials(therapist.email, password, address)) === undefined) {
      throw loginFailed(403, 'The current password is wrong');
    }
  }

  /** The session a cookie token names, if it is still within its idle and absolute limits. */
  resume(token: string): CurrentSession | undefined {
    const { store, now, loginIdleMs, loginMaxMs } = this.deps;
    const tokenHash = hashSessionToken(token);
    const session = store.findSession(tokenHash);
    if (session === undefined) {
      return undefined;
    }
    const time = now();
    const expiresAt = session.createdAt + loginMaxMs;
    if (time - session.lastSeenAt >= loginIdleMs || time >= expiresAt) {
      store.deleteSession(tokenHash);
      return undefined;
    }
    const therapist = store.findTherapist(session.therapistId);
    if (therapist === undefined) {
      return undefined;
    }
    if (time - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      store.touchSession(tokenHash, time);
    }
    return { tokenHash, therapist, expiresAt };
  }

  logout(session: CurrentSession): void {
    this.deps.store.deleteSession(session.tokenHash);
    this.deps.log.info({ therapistId: session.therapist.id }, 'logged out');
  }

  /**
   * Asks the range API only after the local policy passed, so a password refused anyway
   * costs no outside request. Only 5 hex characters of its SHA-1 leave the server.
   */
  private async refuseBreached(password: string): Promise<void> {
    const options = this.deps.breachCheck;
    if (options?.enabled !== true) {
      return;
    }
    try {
      const result = await refuseBreachedPassword(password, options);
      if (result.status === 'unavailable') {
        this.deps.log.warn({ code: 'BB_ERR_BREACH_CHECK_UNAVAILABLE' }, 'breach check skipped');
      }
    } catch (error) {
      if (isBbError(error, 'BB_ERR_PASSWORD_BREACHED')) {
        throw new HttpError(400, error.code, error.message, [
          { path: 'password', message: 'This password appears in a known data breach.' },
        ]);
      }
      if (isBbError(error, 'BB_ERR_BREACH_CHECK_UNAVAILABLE')) {
        this.deps.log.warn({ code: error.code }, 'breach check unavailable; password refused');
        throw new HttpError(503, error.code, error.message);
      }
      throw error;
    }
  }

  private enforcePolicy(password: string, name: string, email: string): void {
    const verdict = checkPassword(password, { name, email });
    if (!verdict.acceptable) {
      throw new HttpError(
        400,
        'BB_ERR_PASSWORD_REJECTED',
        'The password does not meet the password policy',
        [...verdict.problems, ...verdict.suggestions.map((message) => ({ message }))].map(
          (item) => ({ path: 'password', message: item.message }),
        ),
      );
    }
  }

  /**
   * The one place a password is checked. The throttle is consulted first and counts the
   * try; then scrypt runs exactly once whether or not the email is known, so both cost
   * the same and are counted the same way.
   */
  private async checkCredentials(
    email: string,
    password: string,
    address: string,
  ): Promise<TherapistRecord | undefined> {
    const { throttle, store, hasher, now } = this.deps;
    const key = throttleKey(email);
    const verdict = throttle.attempt(key, address, now());
    if (!verdict.allowed) {
      throw new RateLimitedError(verdict.retryAfterMs);
    }
    // Every allowed try ends in succeed or fail, also when hashing throws, so the
    // address's count of running checks cannot leak.
    let matched = false;
    try {
      const therapist = store.findTherapistByEmail(email);
      const stored = therapist?.passwordHash ?? (await this.prepare());
      const matches = await hasher.verify(password, stored);
      if (therapist === undefined || !matches) {
        this.deps.log.info({ code: 'BB_ERR_LOGIN_FAILED' }, 'password check failed');
        return undefined;
      }
      matched = true;
      return therapist;
    } finally {
      if (matched) {
        throttle.succeed(key, address);
      } else {
        throttle.fail(address, now());
      }
    }
  }

  private openSession(therapist: TherapistRecord): NewSession {
    const { store, now, loginIdleMs, loginMaxMs } = this.deps;
    const time = now();
    store.deleteExpiredSessions(time - loginIdleMs, time - loginMaxMs);
    const token = randomBytes(SESSION_TOKEN_BYTES).toString('base64url');
    store.createSession(hashSessionToken(token), therapist.id, time);
    return { token, therapist, expiresAt: time + loginMaxMs };
  }
}
