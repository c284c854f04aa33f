import { createHmac } from 'node:crypto';
import { TurnCredentialsResponseSchema } from '@bilateral-base/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { mintTurnCredential, turnPassword } from '../src/crypto/turn-credentials.js';
import { SignalConfigError, parseSignalOptions, type SignalServerOptions } from '../src/index.js';
import {
  ORIGIN,
  call,
  clientTicket,
  closeAll,
  connectWith,
  errorCode,
  hostTicket,
  registerRoom,
  startServer,
  withKey,
} from './helpers.js';

const TURN_SECRET = 'bb-test-turn-secret-0123456789abcdef';
const TURN_URLS = [
  'stun:turn.practice.example:3478',
  'turn:turn.practice.example:3478?transport=udp',
  'turn:turn.practice.example:3478?transport=tcp',
  'turns:turn.practice.example:443?transport=tcp',
];

afterEach(closeAll);

function askForTurn(
  server: Awaited<ReturnType<typeof startServer>>,
  authorization?: string,
  origin: string = ORIGIN,
) {
  const headers: Record<string, string> = { origin };
  if (authorization !== undefined) {
    headers['authorization'] = authorization;
  }
  return call(server, 'POST', '/v1/turn-credentials', { headers });
}

function issuesOf(options: SignalServerOptions): string[] {
  try {
    parseSignalOptions(options);
  } catch (error) {
    if (error instanceof SignalConfigError) {
      return error.issues.map((issue) => issue.path);
    }
    throw error;
  }
  return [];
}

describe('TURN credentials in the coturn REST scheme', () => {
  it('match a password computed independently (openssl dgst -sha1 -hmac)', () => {
    // printf '%s' '1700000600:00112233445566778899aabbccddeeff' |
    //   openssl dgst -sha1 -hmac 'bb-test-turn-secret-0123456789abcdef' -binary | base64
    expect(turnPassword(TURN_SECRET, '1700000600:00112233445566778899aabbccddeeff')).toBe(
      'abjQhUYWem6XlKtfmNObZfUkKcI=',
    );
  });

  it('put only an expiry and random bits in the username', () => {
    const now = 1_700_000_000_123;
    const first = mintTurnCredential(TURN_SECRET, now, 600);
    const second = mintTurnCredential(TURN_SECRET, now, 600);
    expect(first.username).toMatch(/^1700000600:[0-9a-f]{32}$/);
    expect(first.expiresAt).toBe(1_700_000_600_000);
    expect(first.credential).toBe(turnPassword(TURN_SECRET, first.username));
    expect(second.username).not.toBe(first.username);
  });
});

describe('TURN options', () => {
  it('default to no TURN and a 600-second credential lifetime', () => {
    const config = parseSignalOptions({});
    expect(config.turnUrls).toEqual([]);
    expect(config.turnSecret).toBeUndefined();
    expect(config.turnCredentialTtlSeconds).toBe(600);
    expect(Object.isFrozen(config.turnUrls)).toBe(true);
  });

  it('refuse malformed URLs, a short secret, a missing secret and a bad lifetime', () => {
    expect(issuesOf({ turnUrls: ['http://turn.example'], turnSecret: TURN_SECRET })).toEqual([
      'turnUrls[0]',
    ]);
    expect(issuesOf({ turnUrls: ['turn:user@turn.example'], turnSecret: TURN_SECRET })).toEqual([
      'turnUrls[0]',
    ]);
    expect(issuesOf({ turnUrls: ['turn:turn.example'], turnSecret: 'short' })).toEqual([
      'turnSecret',
    ]);
    expect(issuesOf({ turnUrls: ['turns:turn.example:443'] })).toEqual(['turnSecret']);
    expect(issuesOf({ turnCredentialTtlSeconds: 59 })).toEqual(['turnCredentialTtlSeconds']);
    expect(issuesOf({ turnCredentialTtlSeconds: 86_401 })).toEqual(['turnCredentialTtlSeconds']);
    // STUN alone needs no secret.
    expect(issuesOf({ turnUrls: ['stun:stun.practice.example:3478'] })).toEqual([]);
  });

  it('never echo the secret in an error', () => {
    const secret = 'x y'.repeat(20);
    try {
      parseSignalOptions({ turnUrls: ['turn:turn.example'], turnSecret: secret });
      expect.unreachable('a secret with spaces must be refused');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
    }
  });
});

describe('POST /v1/turn-credentials', () => {
  it('gives a ticket holder the configured servers and a credential coturn accepts', async () => {
    const now = Date.now();
    const server = await startServer({ turnUrls: TURN_URLS, turnSecret: TURN_SECRET });
    const room = await registerRoom(server);
    const ticket = await clientTicket(server, room);
    const answer = await askForTurn(server, `Bearer ${ticket.ticket}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    const body = TurnCredentialsResponseSchema.parse(answer.json);
    expect(body.iceServers).toHaveLength(2);
    const [stun, turn] = body.iceServers;
    expect(stun).toEqual({ urls: ['stun:turn.practice.example:3478'] });
    expect(turn?.urls).toEqual(TURN_URLS.slice(1));
    const [expiry, id] = (turn?.username ?? '').split(':');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(expiry) * 1000).toBe(body.expiresAt);
    expect(body.expiresAt).toBeGreaterThanOrEqual(Math.floor(now / 1000) * 1000 + 600_000);
    expect(body.expiresAt).toBeLessThanOrEqual(now + 600_000 + 5_000);
    const expected = createHmac('sha1', TURN_SECRET)
      .update(turn?.username ?? '')
      .digest('base64');
    expect(turn?.credential).toBe(expected);
    // Nothing of the session is in the username.
    expect(turn?.username).not.toContain(room.roomId);
    expect(turn?.username).not.toContain(ticket.peerId);
  });

  it('answers the host too, and only the STUN servers when no TURN is configured', async () => {
    const server = await startServer({ turnUrls: ['stun:stun.practice.example:3478'] });
    const room = await registerRoom(server);
    const ticket = await hostTicket(server, room);
    const answer = await askForTurn(server, `Bearer ${ticket.ticket}`);
    expect(answer.status).toBe(200);
    expect(TurnCredentialsResponseSchema.parse(answer.json).iceServers).toEqual([
      { urls: ['stun:stun.practice.example:3478'] },
    ]);

    const bare = await startServer();
    const bareRoom = await registerRoom(bare);
    const bareTicket = await clientTicket(bare, bareRoom);
    const empty = await askForTurn(bare, `Bearer ${bareTicket.ticket}`);
    expect(empty.status).toBe(200);
    expect((empty.json as { iceServers: unknown }).iceServers).toEqual([]);
  });

  it('refuses requests without a ticket, with a forged one, or with the API key', async () => {
    const server = await startServer({ turnUrls: TURN_URLS, turnSecret: TURN_SECRET });
    const room = await registerRoom(server);
    const ticket = await clientTicket(server, room);

    const none = await askForTurn(server);
    expect(none.status).toBe(401);
    expect(errorCode(none)).toBe('BB_ERR_TICKET_MISSING');
    expect(none.headers['www-authenticate']).toBe('Bearer');

    const [version, claims, mac] = ticket.ticket.split('.') as [string, string, string];
    const flipped = `${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    const forged = await askForTurn(server, `Bearer ${version}.${claims}.${flipped}`);
    expect(forged.status).toBe(401);
    expect(errorCode(forged)).toBe('BB_ERR_TICKET_INVALID');

    const other = await startServer({
      turnUrls: TURN_URLS,
      turnSecret: TURN_SECRET,
      ticketSecret: Buffer.alloc(32, 9).toString('base64url'),
    });
    const foreignRoom = await registerRoom(other);
    const foreign = await clientTicket(other, foreignRoom);
    const wrongSigner = await askForTurn(server, `Bearer ${foreign.ticket}`);
    expect(wrongSigner.status).toBe(401);
    expect(errorCode(wrongSigner)).toBe('BB_ERR_TICKET_INVALID');

    const apiKey = await askForTurn(server, withKey.authorization);
    expect(apiKey.status).toBe(401);
    expect(errorCode(apiKey)).toBe('BB_ERR_TICKET_INVALID');

    for (const refused of [none, forged, wrongSigner, apiKey]) {
      expect(refused.text).not.toContain(TURN_SECRET);
    }
  });

  it('refuses a forbidden Origin before looking at the ticket', async () => {
    const server = await startServer({ turnUrls: TURN_URLS, turnSecret: TURN_SECRET });
    const room = await registerRoom(server);
    const ticket = await clientTicket(server, room);
    const answer = await askForTurn(server, `Bearer ${ticket.ticket}`, 'https://evil.example');
    expect(answer.status).toBe(403);
    expect(errorCode(answer)).toBe('BB_ERR_ORIGIN_FORBIDDEN');
  });

  it('follows the ticket rules: unused until exp, bound until sx, superseded, revoked', async () => {
    let clock = Date.now();
    const server = await startServer({
      turnUrls: TURN_URLS,
      turnSecret: TURN_SECRET,
      ticketTtlSeconds: 60,
      sessionMaxSeconds: 600,
      now: () => clock,
    });
    const room = await registerRoom(server);

    const unused = await clientTicket(server, room);
    clock += 61_000;
    const late = await askForTurn(server, `Bearer ${unused.ticket}`);
    expect(late.status).toBe(403);
    expect(errorCode(late)).toBe('BB_ERR_TICKET_EXPIRED');

    // A ticket bound to a live socket keeps working past exp, until sx.
    const used = await clientTicket(server, room);
    const socket = await connectWith(server, used);
    clock += 120_000;
    expect((await askForTurn(server, `Bearer ${used.ticket}`)).status).toBe(200);
    await socket.close();
    // Free to reconnect: still allowed.
    expect((await askForTurn(server, `Bearer ${used.ticket}`)).status).toBe(200);

    // A newer ticket takes the free slot; the old one is superseded.
    clock += 1;
    const newer = await clientTicket(server, room);
    const newerSocket = await connectWith(server, newer);
    const superseded = await askForTurn(server, `Bearer ${used.ticket}`);
    expect(superseded.status).toBe(403);
    expect(errorCode(superseded)).toBe('BB_ERR_TICKET_EXPIRED');

    // A third participant's fresh ticket while the slot is live: the room is full.
    clock += 1;
    const third = await clientTicket(server, room);
    const full = await askForTurn(server, `Bearer ${third.ticket}`);
    expect(full.status).toBe(403);
    expect(errorCode(full)).toBe('BB_ERR_ROOM_FULL');

    // Past the session maximum the bound ticket is refused.
    clock += 600_000;
    const ended = await askForTurn(server, `Bearer ${newer.ticket}`);
    expect(ended.status).toBe(403);
    expect(errorCode(ended)).toBe('BB_ERR_TICKET_EXPIRED');
    await newerSocket.close();

    // A revoked room gives nothing, whatever the ticket.
    const fresh = await registerRoom(server);
    const freshTicket = await clientTicket(server, fresh);
    const revoke = await call(server, 'DELETE', `/v1/rooms/${fresh.roomId}`, { headers: withKey });
    expect(revoke.status).toBe(204);
    const revoked = await askForTurn(server, `Bearer ${freshTicket.ticket}`);
    expect(revoked.status).toBe(403);
    expect(errorCode(revoked)).toBe('BB_ERR_ROOM_UNKNOWN');
  });

  it('never logs the credential, the secret or the ticket', async () => {
    const lines: string[] = [];
    const server = await startServer({
      turnUrls: TURN_URLS,
      turnSecret: TURN_SECRET,
      logLevel: 'trace',
      logDestination: { write: (line: string) => lines.push(line) },
    });
    const room = await registerRoom(server);
    const ticket = await clientTicket(server, room);
    const answer = await askForTurn(server, `Bearer ${ticket.ticket}`);
    const turn = TurnCredentialsResponseSchema.parse(answer.json).iceServers[1];
    const log = lines.join('');
    expect(log).toContain('turn credential issued');
    for (const secret of [TURN_SECRET, turn?.username, turn?.credential, ticket.ticket]) {
      expect(secret).toBeTruthy();
      expect(log).not.toContain(secret);
    }
    expect(log).not.toContain('127.0.0.1');
  });
});
