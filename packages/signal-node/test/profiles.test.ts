import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeAll, connectWith, errorCode, expectEnded, type Ticket } from './helpers.js';
import {
  Browser,
  clientTicketFor,
  PASSWORD,
  removeTempDirs,
  startAccountServer,
} from './account-helpers.js';

afterEach(closeAll);
afterAll(removeTempDirs);

async function therapist(server: Awaited<ReturnType<typeof startAccountServer>>, who: string) {
  const browser = new Browser(server);
  await browser.register(`${who} Lindqvist`, `${who.toLowerCase()}@practice.example`);
  return browser;
}

describe('client profiles', () => {
  it('creates, lists, renames and deletes profiles of the logged-in therapist only', async () => {
    const server = await startAccountServer();
    const anna = await therapist(server, 'Anna');
    const bo = await therapist(server, 'Bo');
    const first = await anna.createProfile('  C-017 ');
    await anna.createProfile('Tuesday 9:00');
    await bo.createProfile('B-1');

    const list = await anna.send('GET', '/v1/profiles');
    expect(list.json).toMatchObject({
      profiles: [
        { id: first, confidentialId: 'C-017', links: [] },
        { confidentialId: 'Tuesday 9:00' },
      ],
    });
    expect((list.json as { profiles: unknown[] }).profiles).toHaveLength(2);

    const renamed = await anna.send('PATCH', `/v1/profiles/${first}`, { confidentialId: 'C-018' });
    expect(renamed.json).toMatchObject({ id: first, confidentialId: 'C-018' });
    const foreign = await bo.send('PATCH', `/v1/profiles/${first}`, { confidentialId: 'mine' });
    expect(foreign.status).toBe(404);
    expect((await bo.send('DELETE', `/v1/profiles/${first}`)).status).toBe(404);
    expect((await anna.send('DELETE', `/v1/profiles/${first}`)).status).toBe(204);
    expect((await anna.send('GET', '/v1/profiles')).json).toMatchObject({
      profiles: [{ confidentialId: 'Tuesday 9:00' }],
    });
    const anonymous = await new Browser(server).send('GET', '/v1/profiles');
    expect(errorCode(anonymous)).toBe('BB_ERR_SESSION_REQUIRED');
  });

  it('refuses a confidential ID that is empty, too long, an email or a phone number', async () => {
    const server = await startAccountServer();
    const anna = await therapist(server, 'Anna');
    const refusals: [string, RegExp][] = [
      ['   ', /1 to 64 characters/],
      ['x'.repeat(65), /1 to 64 characters/],
      ['client.name@mail.example', /looks like an email address/],
      ['+44 20 7946 0958', /looks like a phone number/],
      ['(555) 010-4477', /looks like a phone number/],
    ];
    for (const [value, explanation] of refusals) {
      const answer = await anna.send('POST', '/v1/profiles', { confidentialId: value });
      expect(answer.status).toBe(400);
      expect(errorCode(answer)).toBe('BB_ERR_CONFIDENTIAL_ID_REJECTED');
      expect((answer.json as { error: { message: string } }).error.message).toMatch(explanation);
    }
    expect((await anna.send('GET', '/v1/profiles')).json).toEqual({ profiles: [] });
    await anna.createProfile('🦉'.repeat(64));
  });
});

describe('links per profile', () => {
  it('holds several links, rotates one (old dead at once) and revokes another', async () => {
    const server = await startAccountServer();
    const anna = await therapist(server, 'Anna');
    const profile = await anna.createProfile('C-1');
    const kept = await anna.createLink(profile);
    const rotating = await anna.createLink(profile);
    expect((await clientTicketFor(server, kept)).status).toBe(200);

    const hostTicket = (await anna.hostTicket(rotating.roomId)).json as Ticket;
    const clientTicket = (await clientTicketFor(server, rotating)).json as Ticket;
    const host = await connectWith(server, hostTicket);
    const client = await connectWith(server, clientTicket);

    const { SessionLink } = await import('@bilateral-base/core/links');
    const next = SessionLink.create('http://127.0.0.1:8080/join');
    const rotated = await anna.send('POST', `/v1/links/${rotating.roomId}/rotate`, {
      roomId: next.roomId,
      proofHash: next.proofHash,
    });
    expect(rotated.status).toBe(201);
    await expectEnded(host, 'BB_ERR_ROOM_UNKNOWN');
    await expectEnded(client, 'BB_ERR_ROOM_UNKNOWN');
    expect(errorCode(await clientTicketFor(server, rotating))).toBe('BB_ERR_PROOF_INVALID');
    expect((await anna.hostTicket(rotating.roomId)).status).toBe(404);
    expect((await clientTicketFor(server, next)).status).toBe(200);
    expect((await anna.hostTicket(next.roomId)).status).toBe(200);

    expect((await anna.send('DELETE', `/v1/links/${kept.roomId}`)).status).toBe(204);
    expect(errorCode(await clientTicketFor(server, kept))).toBe('BB_ERR_PROOF_INVALID');
    expect((await anna.send('DELETE', `/v1/links/${kept.roomId}`)).status).toBe(404);
    const listed = (await anna.send('GET', '/v1/profiles')).json as {
      profiles: { links: { roomId: string }[] }[];
    };
    expect(listed.profiles[0]?.links.map((link) => link.roomId)).toEqual([next.roomId]);
  });

  it('gives a host tickets only for rooms of its own profiles', async () => {
    const server = await startAccountServer();
    const anna = await therapist(server, 'Anna');
    const bo = await therapist(server, 'Bo');
    const annaLink = await anna.createLink(await anna.createProfile('A-1'));
    const boProfile = await bo.createProfile('B-1');

    const refused = await bo.hostTicket(annaLink.roomId);
    expect(refused.status).toBe(404);
    expect(errorCode(refused)).toBe('BB_ERR_ROOM_UNKNOWN');
    expect((await anna.hostTicket(annaLink.roomId)).status).toBe(200);
    const rotate = await bo.send('POST', `/v1/links/${annaLink.roomId}/rotate`, {
      roomId: 'BBBBBBBBBBBBBBBBBBBBBB',
      proofHash: annaLink.proofHash,
    });
    expect(rotate.status).toBe(404);
    expect((await bo.send('DELETE', `/v1/links/${annaLink.roomId}`)).status).toBe(404);
    const stolen = await bo.send('POST', `/v1/profiles/${boProfile}/links`, {
      roomId: annaLink.roomId,
      proofHash: annaLink.proofHash,
    });
    expect(stolen.status).toBe(409);
    expect((await bo.hostTicket(annaLink.roomId)).status).toBe(404);
    const noOrigin = new Browser(server, null);
    noOrigin.cookie = anna.cookie;
    expect(errorCode(await noOrigin.hostTicket(annaLink.roomId))).toBe('BB_ERR_ORIGIN_FORBIDDEN');
  });
});

describe('deleting an account', () => {
  it('removes everything at once: sessions end, tickets fail, live sockets close', async () => {
    const server = await startAccountServer();
    const anna = await therapist(server, 'Anna');
    const link = await anna.createLink(await anna.createProfile('C-1'));
    const host = await connectWith(server, (await anna.hostTicket(link.roomId)).json as Ticket);
    const client = await connectWith(server, (await clientTicketFor(server, link)).json as Ticket);
    const cookie = anna.cookie;

    const wrong = await anna.send('DELETE', '/v1/account', { password: 'not the password at all' });
    expect(wrong.status).toBe(403);
    expect((await anna.send('DELETE', '/v1/account', { password: PASSWORD })).status).toBe(204);
    await expectEnded(host, 'BB_ERR_ROOM_UNKNOWN');
    await expectEnded(client, 'BB_ERR_ROOM_UNKNOWN');

    expect(errorCode(await clientTicketFor(server, link))).toBe('BB_ERR_PROOF_INVALID');
    anna.cookie = cookie;
    expect((await anna.send('GET', '/v1/session')).status).toBe(401);
    const login = await anna.send('POST', '/v1/session', {
      email: 'anna@practice.example',
      password: PASSWORD,
    });
    expect(login.status).toBe(401);
  });
});
