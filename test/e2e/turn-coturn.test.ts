import { createHmac } from 'node:crypto';
import { TicketResponseSchema, TurnCredentialsResponseSchema } from '@bilateral-base/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoturn, type TestCoturn } from './support/coturn.js';
import { startSignal, type TestSignal } from './support/signal.js';
import { allocate } from './support/turn-client.js';

// bb-signal's TURN credentials against a real coturn on loopback: what bb-signal mints
// is accepted, and coturn itself refuses a forged, an expired and a tampered one.

let coturn: TestCoturn;
let signal: TestSignal;

beforeAll(async () => {
  coturn = await startCoturn();
  signal = await startSignal('http://127.0.0.1:1', {
    turnUrls: coturn.urls,
    turnSecret: coturn.secret,
    turnCredentialTtlSeconds: 120,
  });
});

afterAll(async () => {
  await signal?.close();
  await coturn?.stop();
});

/** A client ticket for a fresh room, asked for as a browser would (proof in the body). */
async function clientTicket(): Promise<string> {
  const link = await signal.createLink('http://127.0.0.1:1/join');
  const response = await fetch(new URL('/v1/tickets', signal.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'client', roomId: link.roomId, proof: link.proof }),
  });
  expect(response.status).toBe(200);
  return TicketResponseSchema.parse(await response.json()).ticket;
}

function askForTurn(authorization?: string): Promise<Response> {
  return fetch(new URL('/v1/turn-credentials', signal.url), {
    method: 'POST',
    headers: authorization === undefined ? {} : { authorization },
  });
}

/** The coturn REST password, computed here independently of bb-signal's code. */
function restPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

describe('TURN credentials from bb-signal, checked by a real coturn', () => {
  it('coturn grants an allocation to the credential bb-signal mints for a ticket', async () => {
    const response = await askForTurn(`Bearer ${await clientTicket()}`);
    expect(response.status).toBe(200);
    const { iceServers, expiresAt } = TurnCredentialsResponseSchema.parse(await response.json());
    expect(iceServers).toHaveLength(1);
    const [turn] = iceServers;
    expect(turn?.urls).toEqual(coturn.urls);
    expect(expiresAt - Date.now()).toBeGreaterThan(100_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(121_000);

    const outcome = await allocate(coturn.port, turn?.username ?? '', turn?.credential ?? '');
    expect(outcome).toMatchObject({ ok: true });
    expect(outcome.ok && outcome.relayedPort).toBeGreaterThan(0);
  });

  it('coturn refuses a forged, an expired and a tampered credential with 401', async () => {
    const response = await askForTurn(`Bearer ${await clientTicket()}`);
    const [turn] = TurnCredentialsResponseSchema.parse(await response.json()).iceServers;
    const username = turn?.username ?? '';
    const [expiry, id] = username.split(':') as [string, string];

    // Signed with another secret: what a third party without the shared secret can do.
    const forged = await allocate(coturn.port, username, restPassword('not-the-secret', username));
    expect(forged).toEqual({ ok: false, errorCode: 401 });

    // Correctly signed with the real secret, but its time has passed.
    const pastUsername = `${Math.floor(Date.now() / 1000) - 5}:${id}`;
    const expired = await allocate(
      coturn.port,
      pastUsername,
      restPassword(coturn.secret, pastUsername),
    );
    expect(expired).toEqual({ ok: false, errorCode: 401 });

    // A real credential whose expiry was pushed later: the password no longer matches.
    const stretched = `${Number(expiry) + 86_400}:${id}`;
    const tampered = await allocate(coturn.port, stretched, turn?.credential ?? '');
    expect(tampered).toEqual({ ok: false, errorCode: 401 });

    // The same checks pass for the untouched credential, so the refusals are meaningful.
    expect(await allocate(coturn.port, username, turn?.credential ?? '')).toMatchObject({
      ok: true,
    });
  });

  it('bb-signal refuses TURN credentials without a ticket or with a forged one', async () => {
    const none = await askForTurn();
    expect(none.status).toBe(401);
    expect((await none.json()).error.code).toBe('BB_ERR_TICKET_MISSING');

    const ticket = await clientTicket();
    const forgedTicket = `${ticket.slice(0, -2)}${ticket.endsWith('AA') ? 'BB' : 'AA'}`;
    const forged = await askForTurn(`Bearer ${forgedTicket}`);
    expect(forged.status).toBe(401);
    expect((await forged.json()).error.code).toBe('BB_ERR_TICKET_INVALID');
  });
});
