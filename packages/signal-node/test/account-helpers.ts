import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionLink } from '@bilateral-base/core/links';
import { expect } from 'vitest';
import type { SignalServer, SignalServerOptions } from '../src/index.js';
import { call, ORIGIN, startServer, type HttpAnswer } from './helpers.js';

/** Strong enough for the policy, and unlike any name or email used in these tests. */
export const PASSWORD = 'marble kestrel lantern quay';
export const OTHER_PASSWORD = 'velvet orchard compass tide';

const tempDirs: string[] = [];

/** A temp-file SQLite path, removed by `removeTempDirs`. */
export function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bb-accounts-'));
  tempDirs.push(dir);
  return join(dir, 'signal.db');
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A server on a temp-file database. scrypt runs with N=2^10 here so a hundred logins take
 * well under a second; the default cost (2^17) is measured separately, never asserted.
 */
export function startAccountServer(options: SignalServerOptions = {}): Promise<SignalServer> {
  return startServer({
    databasePath: tempDatabase(),
    passwordHashCost: 10,
    requestsPerMinute: 100_000,
    ...options,
  });
}

/** A therapist's browser: sends the allowed Origin and keeps the `bb_session` cookie. */
export class Browser {
  cookie: string | undefined;

  constructor(
    readonly server: SignalServer,
    /** null sends no Origin at all, as a program (not a browser page) would. */
    readonly origin: string | null = ORIGIN,
  ) {}

  async send(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (this.origin !== null) headers['origin'] = this.origin;
    if (this.cookie !== undefined) headers['cookie'] = `theme=dark; bb_session=${this.cookie}`;
    const answer = await call(
      this.server,
      method,
      path,
      body === undefined ? { headers } : { headers, body },
    );
    const setCookie = answer.headers['set-cookie']?.[0];
    if (setCookie !== undefined) {
      const value = /^bb_session=([^;]*)/.exec(setCookie)?.[1];
      this.cookie = value === '' ? undefined : value;
    }
    return answer;
  }

  async register(name: string, email: string, password = PASSWORD): Promise<HttpAnswer> {
    const answer = await this.send('POST', '/v1/account', { name, email, password });
    expect(answer.status).toBe(201);
    return answer;
  }

  async createProfile(confidentialId: string): Promise<string> {
    const answer = await this.send('POST', '/v1/profiles', { confidentialId });
    expect(answer.status).toBe(201);
    return (answer.json as { id: string }).id;
  }

  /** Makes a link the way the therapist's browser does and registers its room. */
  async createLink(profileId: string): Promise<SessionLink> {
    const link = SessionLink.create('http://127.0.0.1:8080/join');
    const answer = await this.send('POST', `/v1/profiles/${profileId}/links`, {
      roomId: link.roomId,
      proofHash: link.proofHash,
    });
    expect(answer.status).toBe(201);
    return link;
  }

  hostTicket(roomId: string): Promise<HttpAnswer> {
    return this.send('POST', '/v1/tickets', { role: 'host', roomId });
  }
}

export function clientTicketFor(server: SignalServer, link: SessionLink): Promise<HttpAnswer> {
  return call(server, 'POST', '/v1/tickets', {
    headers: { origin: ORIGIN },
    body: { role: 'client', roomId: link.roomId, proof: link.proof },
  });
}
