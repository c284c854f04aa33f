import { SessionLink } from '@bilateral-base/core/links';
import {
  ErrorResponseSchema,
  RegisterRoomResponseSchema,
  TicketResponseSchema,
} from '@bilateral-base/core/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  ORIGIN,
  call,
  closeAll,
  errorCode,
  expectHonestPairWorks,
  registerRoom,
  startServer,
  withKey,
} from './helpers.js';

afterEach(closeAll);

function expectError(answer: { status: number; json: unknown }, status: number, code: string) {
  expect(answer.status).toBe(status);
  expect(ErrorResponseSchema.parse(answer.json).error.code).toBe(code);
}

describe('bb-signal HTTP API', () => {
  it('answers /healthz', async () => {
    const server = await startServer();
    const answer = await call(server, 'GET', '/healthz');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'ok' });
  });

  it('registers a room once, idempotently, and refuses another proof hash', async () => {
    const server = await startServer();
    const link = SessionLink.create('https://practice.example/join');
    const body = { roomId: link.roomId, proofHash: link.proofHash };
    const first = await call(server, 'POST', '/v1/rooms', { headers: withKey, body });
    expect(first.status).toBe(201);
    expect(RegisterRoomResponseSchema.parse(first.json)).toEqual({
      roomId: link.roomId,
      created: true,
    });
    const again = await call(server, 'POST', '/v1/rooms', { headers: withKey, body });
    expect(again.status).toBe(200);
    expect(again.json).toEqual({ roomId: link.roomId, created: false });
    const other = SessionLink.create('https://practice.example/join');
    const conflict = await call(server, 'POST', '/v1/rooms', {
      headers: withKey,
      body: { roomId: link.roomId, proofHash: other.proofHash },
    });
    expectError(conflict, 409, 'BB_ERR_ROOM_CONFLICT');
    await expectHonestPairWorks(server);
  });

  it('needs the API key for rooms and host tickets', async () => {
    const server = await startServer();
    const link = SessionLink.create('https://practice.example/join');
    const body = { roomId: link.roomId, proofHash: link.proofHash };
    const missing = await call(server, 'POST', '/v1/rooms', { body });
    expectError(missing, 401, 'BB_ERR_UNAUTHORIZED');
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    const wrong = await call(server, 'POST', '/v1/rooms', {
      headers: { authorization: `Bearer ${API_KEY.slice(0, -1)}x` },
      body,
    });
    expectError(wrong, 401, 'BB_ERR_UNAUTHORIZED');
    const basic = await call(server, 'POST', '/v1/rooms', {
      headers: { authorization: `Basic ${API_KEY}` },
      body,
    });
    expectError(basic, 401, 'BB_ERR_UNAUTHORIZED');
    const room = await registerRoom(server);
    const host = await call(server, 'POST', '/v1/tickets', {
      body: { role: 'host', roomId: room.roomId },
    });
    expectError(host, 401, 'BB_ERR_UNAUTHORIZED');
    const revoke = await call(server, 'DELETE', `/v1/rooms/${room.roomId}`);
    expectError(revoke, 401, 'BB_ERR_UNAUTHORIZED');
    await expectHonestPairWorks(server);
  });

  it('issues tickets whose peer ids match each other', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const host = await call(server, 'POST', '/v1/tickets', {
      headers: withKey,
      body: { role: 'host', roomId: room.roomId },
    });
    const client = await call(server, 'POST', '/v1/tickets', {
      headers: { origin: ORIGIN },
      body: { role: 'client', roomId: room.roomId, proof: room.link.proof },
    });
    expect(client.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(client.headers['cache-control']).toBe('no-store');
    const hostTicket = TicketResponseSchema.parse(host.json);
    const clientTicket = TicketResponseSchema.parse(client.json);
    expect(hostTicket.peerId).toMatch(/^host-[0-9a-f]{32}$/);
    expect(hostTicket.remotePeerId).toBe(clientTicket.peerId);
    expect(clientTicket.remotePeerId).toBe(hostTicket.peerId);
    const reloaded = TicketResponseSchema.parse(
      (
        await call(server, 'POST', '/v1/tickets', {
          body: { role: 'client', roomId: room.roomId, proof: room.link.proof },
        })
      ).json,
    );
    expect(reloaded.peerId).toBe(clientTicket.peerId);
    expect(reloaded.ticket).not.toBe(clientTicket.ticket);
  });

  it('answers a wrong proof and an unknown room the same way', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const stranger = SessionLink.create('https://practice.example/join');
    const wrongProof = await call(server, 'POST', '/v1/tickets', {
      body: { role: 'client', roomId: room.roomId, proof: stranger.proof },
    });
    const unknownRoom = await call(server, 'POST', '/v1/tickets', {
      body: { role: 'client', roomId: stranger.roomId, proof: stranger.proof },
    });
    expectError(wrongProof, 403, 'BB_ERR_PROOF_INVALID');
    expect(unknownRoom.status).toBe(wrongProof.status);
    expect(unknownRoom.json).toEqual(wrongProof.json);
    const unknownHost = await call(server, 'POST', '/v1/tickets', {
      headers: withKey,
      body: { role: 'host', roomId: stranger.roomId },
    });
    expectError(unknownHost, 404, 'BB_ERR_ROOM_UNKNOWN');
    await expectHonestPairWorks(server);
  });

  it('revokes a room: 204, then no tickets, 404 for unknown rooms, 409 on re-register', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const revoked = await call(server, 'DELETE', `/v1/rooms/${room.roomId}`, { headers: withKey });
    expect(revoked.status).toBe(204);
    const twice = await call(server, 'DELETE', `/v1/rooms/${room.roomId}`, { headers: withKey });
    expect(twice.status).toBe(204);
    const client = await call(server, 'POST', '/v1/tickets', {
      body: { role: 'client', roomId: room.roomId, proof: room.link.proof },
    });
    expectError(client, 403, 'BB_ERR_PROOF_INVALID');
    const host = await call(server, 'POST', '/v1/tickets', {
      headers: withKey,
      body: { role: 'host', roomId: room.roomId },
    });
    expectError(host, 404, 'BB_ERR_ROOM_UNKNOWN');
    const reRegister = await call(server, 'POST', '/v1/rooms', {
      headers: withKey,
      body: { roomId: room.roomId, proofHash: room.link.proofHash },
    });
    expectError(reRegister, 409, 'BB_ERR_ROOM_CONFLICT');
    const stranger = SessionLink.create('https://practice.example/join');
    const unknown = await call(server, 'DELETE', `/v1/rooms/${stranger.roomId}`, {
      headers: withKey,
    });
    expectError(unknown, 404, 'BB_ERR_ROOM_UNKNOWN');
    const malformed = await call(server, 'DELETE', '/v1/rooms/short', { headers: withKey });
    expectError(malformed, 400, 'BB_ERR_BAD_REQUEST');
    await expectHonestPairWorks(server);
  });

  it('answers CORS preflights for listed origins only', async () => {
    const server = await startServer();
    const preflight = {
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    };
    const allowed = await call(server, 'OPTIONS', '/v1/tickets', {
      headers: { origin: ORIGIN, ...preflight },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(allowed.headers['access-control-allow-methods']).toContain('POST');
    // Listed origins carry the therapist's SameSite=Strict session cookie.
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');
    const refused = await call(server, 'OPTIONS', '/v1/tickets', {
      headers: { origin: 'http://evil.example', ...preflight },
    });
    expectError(refused, 403, 'BB_ERR_ORIGIN_FORBIDDEN');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('refuses state-changing requests from a forbidden Origin, even with the API key', async () => {
    const server = await startServer();
    const link = SessionLink.create('https://practice.example/join');
    const evil = { origin: 'http://evil.example', ...withKey };
    const post = await call(server, 'POST', '/v1/rooms', {
      headers: evil,
      body: { roomId: link.roomId, proofHash: link.proofHash },
    });
    expectError(post, 403, 'BB_ERR_ORIGIN_FORBIDDEN');
    const room = await registerRoom(server);
    const del = await call(server, 'DELETE', `/v1/rooms/${room.roomId}`, { headers: evil });
    expectError(del, 403, 'BB_ERR_ORIGIN_FORBIDDEN');
    const nullOrigin = await call(server, 'POST', '/v1/tickets', {
      headers: { origin: 'null' },
      body: { role: 'client', roomId: room.roomId, proof: room.link.proof },
    });
    expectError(nullOrigin, 403, 'BB_ERR_ORIGIN_FORBIDDEN');
    await expectHonestPairWorks(server);
  });

  it('answers bad bodies with 400, 413 and 415 and never a 500', async () => {
    const server = await startServer({ maxBodyBytes: 1024 });
    const invalidJson = await call(server, 'POST', '/v1/tickets', { rawBody: '{"role":' });
    expectError(invalidJson, 400, 'BB_ERR_BAD_REQUEST');
    const schema = await call(server, 'POST', '/v1/tickets', {
      body: { role: 'client', roomId: 'short', proof: 5, extra: true },
    });
    expectError(schema, 400, 'BB_ERR_BAD_REQUEST');
    const issues = ErrorResponseSchema.parse(schema.json).error.issues ?? [];
    expect(issues.map((issue) => issue.path).sort()).toEqual(['(body)', 'proof', 'roomId']);
    const role = await call(server, 'POST', '/v1/tickets', { body: { role: 'admin' } });
    expectError(role, 400, 'BB_ERR_BAD_REQUEST');
    const empty = await call(server, 'POST', '/v1/tickets', {
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    });
    expectError(empty, 400, 'BB_ERR_BAD_REQUEST');
    const large = await call(server, 'POST', '/v1/rooms', {
      headers: withKey,
      body: { roomId: 'x'.repeat(2000), proofHash: 'y' },
    });
    expectError(large, 413, 'BB_ERR_PAYLOAD_TOO_LARGE');
    const text = await call(server, 'POST', '/v1/tickets', {
      rawBody: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expectError(text, 415, 'BB_ERR_BAD_REQUEST');
    const proto = await call(server, 'POST', '/v1/tickets', {
      rawBody: '{"__proto__":{"role":"host"},"role":"client"}',
    });
    expect(proto.status).toBe(400);
    expect(errorCode(proto)).toBe('BB_ERR_BAD_REQUEST');
    await expectHonestPairWorks(server);
  });

  it('has no peer listing and answers unknown routes with 404', async () => {
    const server = await startServer();
    for (const path of ['/peerjs/peers', '/peerjs/id', '/nothing', '/v1/rooms']) {
      const answer = await call(server, 'GET', path);
      expectError(answer, 404, 'BB_ERR_NOT_FOUND');
    }
  });
});

describe('bb-signal HTTP request limit', () => {
  it('answers 429 with Retry-After past the per-address limit, and never limits /healthz', async () => {
    const server = await startServer({ requestsPerMinute: 5 });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 7; attempt += 1) {
      const answer = await call(server, 'POST', '/v1/tickets', {
        body: { role: 'client', roomId: 'jQ6Oi_RB2MxuZekRq97eiw', proof: 'x'.repeat(43) },
      });
      statuses.push(answer.status);
      if (answer.status === 429) {
        expect(answer.headers['retry-after']).toBe('12');
        expect(answer.json).toMatchObject({ error: { code: 'BB_ERR_RATE_LIMITED' } });
      }
    }
    // Five answered on their merits (a wrong proof), then the limit.
    expect(statuses).toEqual([403, 403, 403, 403, 403, 429, 429]);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    }
  });
});
