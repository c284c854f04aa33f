import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  call,
  clientTicket,
  closeAll,
  connect,
  connectWith,
  expectEnded,
  expectHonestPairWorks,
  expectRefused,
  hostTicket,
  registerRoom,
  startServer,
  withKey,
  wsUrl,
} from './helpers.js';

afterEach(closeAll);

describe('bb-signal WebSocket admission', () => {
  it('relays OFFER, ANSWER and CANDIDATE between an honest pair', async () => {
    const server = await startServer();
    await expectHonestPairWorks(server);
  });

  it('refuses a socket without a ticket', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const { peerId } = await hostTicket(server, room);
    await expectRefused(connect(server, { id: peerId }), 'BB_ERR_TICKET_MISSING');
    await expectHonestPairWorks(server);
  });

  it('refuses a forged ticket and one signed with another secret', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const real = await hostTicket(server, room);
    const [version, claims, mac] = real.ticket.split('.') as [string, string, string];
    const edited = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { sx: number };
    edited.sx += 10 ** 9;
    const forged = `${version}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${mac}`;
    await expectRefused(
      connect(server, { id: real.peerId, token: forged }),
      'BB_ERR_TICKET_INVALID',
    );
    await expectRefused(
      connect(server, { id: real.peerId, token: 'not-a-ticket-at-all-0123' }),
      'BB_ERR_TICKET_INVALID',
    );
    const other = await startServer({ ticketSecret: Buffer.alloc(32, 9).toString('base64url') });
    const otherRoom = await registerRoom(other);
    const foreign = await hostTicket(other, otherRoom);
    await call(server, 'POST', '/v1/rooms', {
      headers: withKey,
      body: { roomId: otherRoom.roomId, proofHash: otherRoom.link.proofHash },
    });
    await expectRefused(
      connect(server, { id: foreign.peerId, token: foreign.ticket }),
      'BB_ERR_TICKET_INVALID',
    );
    await expectHonestPairWorks(server);
  });

  it('refuses a ticket used with another peer id', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const host = await hostTicket(server, room);
    await expectRefused(
      connect(server, { id: host.remotePeerId, token: host.ticket }),
      'BB_ERR_PEER_ID_MISMATCH',
    );
    await expectHonestPairWorks(server);
  });

  it('refuses the wrong PeerJS key', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const host = await hostTicket(server, room);
    await expectRefused(
      connect(server, { id: host.peerId, token: host.ticket, key: 'other' }),
      'BB_ERR_PEER_KEY_INVALID',
    );
    await expectHonestPairWorks(server);
  });

  it('refuses an unused ticket after its expiry and a used one after the session maximum', async () => {
    const clock = { now: 1_800_000_000_000 };
    const server = await startServer({
      now: () => clock.now,
      ticketTtlSeconds: 60,
      sessionMaxSeconds: 600,
    });
    const room = await registerRoom(server);
    const late = await hostTicket(server, room);
    clock.now += 61_000;
    await expectRefused(
      connect(server, { id: late.peerId, token: late.ticket }),
      'BB_ERR_TICKET_EXPIRED',
    );

    const used = await clientTicket(server, room);
    const first = await connectWith(server, used);
    await first.close();
    clock.now += 300_000;
    const again = await connectWith(server, used);
    await again.close();
    clock.now += 301_000;
    await expectRefused(
      connect(server, { id: used.peerId, token: used.ticket }),
      'BB_ERR_TICKET_EXPIRED',
    );
    await expectHonestPairWorks(server);
  });

  it('answers ID-TAKEN to a second socket with a live ticket, and lets it reconnect later', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const ticket = await clientTicket(server, room);
    const first = await connectWith(server, ticket);
    await expectRefused(
      connect(server, { id: ticket.peerId, token: ticket.ticket }),
      'BB_ERR_TICKET_IN_USE',
      'ID-TAKEN',
    );
    await first.close();
    const reconnected = await connectWith(server, ticket);
    await reconnected.close();
    await expectHonestPairWorks(server);
  });

  it('refuses a third participant with ROOM_FULL and supersedes a free slot', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const firstTicket = await clientTicket(server, room);
    const first = await connectWith(server, firstTicket);
    const intruderTicket = await clientTicket(server, room);
    await expectRefused(
      connect(server, { id: intruderTicket.peerId, token: intruderTicket.ticket }),
      'BB_ERR_ROOM_FULL',
      'ID-TAKEN',
    );
    await first.close();
    const second = await connectWith(server, intruderTicket);
    await expectRefused(
      connect(server, { id: firstTicket.peerId, token: firstTicket.ticket }),
      'BB_ERR_TICKET_EXPIRED',
    );
    await second.close();
    await expectRefused(
      connect(server, { id: firstTicket.peerId, token: firstTicket.ticket }),
      'BB_ERR_TICKET_EXPIRED',
    );
    await expectHonestPairWorks(server);
  });

  it('refuses a message addressed to a peer of another room', async () => {
    const server = await startServer();
    const mine = await registerRoom(server);
    const theirs = await registerRoom(server);
    const host = await connectWith(server, await hostTicket(server, mine));
    const victimTicket = await clientTicket(server, theirs);
    const victim = await connectWith(server, victimTicket);
    host.send({
      type: 'OFFER',
      dst: victimTicket.peerId,
      payload: { sdp: { type: 'offer', sdp: 'v=0' }, type: 'data', connectionId: 'dc_1' },
    });
    await expectEnded(host, 'BB_ERR_DESTINATION_FORBIDDEN');
    expect(victim.frames.map((frame) => frame.type)).toEqual(['OPEN']);
    await victim.close();
    await expectHonestPairWorks(server);
  });

  it('closes with 1009 on an oversized frame', async () => {
    const server = await startServer({ maxFrameBytes: 4096 });
    const room = await registerRoom(server);
    const host = await connectWith(server, await hostTicket(server, room));
    host.send('x'.repeat(5000));
    expect((await host.waitClosed()).code).toBe(1009);
    await expectHonestPairWorks(server);
  });

  it('refuses invalid JSON, unknown shapes and binary frames', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const ticket = await hostTicket(server, room);
    const cases: ((peer: ReturnType<typeof connect>) => void)[] = [
      (peer) => peer.send('{"type":'),
      (peer) => peer.send({ type: 'OPEN' }),
      (peer) => peer.send({ type: 'OFFER', dst: ticket.remotePeerId, payload: { sdp: 1 } }),
      (peer) => peer.ws.send(Buffer.from('{"type":"HEARTBEAT"}'), { binary: true }),
    ];
    for (const sendBad of cases) {
      const peer = await connectWith(server, ticket);
      sendBad(peer);
      await expectEnded(peer, 'BB_ERR_MESSAGE_INVALID');
    }
    await expectHonestPairWorks(server);
  });

  it('closes a socket that sends faster than the rate limit', async () => {
    const server = await startServer({ messagesPerSecond: 1, messageBurst: 5 });
    const room = await registerRoom(server);
    const host = await connectWith(server, await hostTicket(server, room));
    for (let index = 0; index < 20; index += 1) {
      host.send({ type: 'HEARTBEAT' });
    }
    await expectEnded(host, 'BB_ERR_RATE_LIMITED');
    await expectHonestPairWorks(server);
  });

  it('refuses more sockets per address than allowed with HTTP 429', async () => {
    const server = await startServer({ connectionsPerAddress: 2 });
    const room = await registerRoom(server);
    const host = await connectWith(server, await hostTicket(server, room));
    const client = await connectWith(server, await clientTicket(server, room));
    const third = connect(server, { id: 'host-x', token: 'whatever-whatever' });
    expect(await third.handshake).toEqual({
      status: 429,
      json: { error: { code: 'BB_ERR_TOO_MANY_CONNECTIONS', message: expect.any(String) } },
    });
    await Promise.all([host.close(), client.close()]);
    await expectHonestPairWorks(server);
  });

  it('refuses an upgrade from a forbidden Origin with HTTP 403 and allows none', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const ticket = await hostTicket(server, room);
    const evil = connect(server, {
      id: ticket.peerId,
      token: ticket.ticket,
      origin: 'http://evil.example',
    });
    const answer = await evil.handshake;
    expect(answer.status).toBe(403);
    expect(answer.json).toMatchObject({ error: { code: 'BB_ERR_ORIGIN_FORBIDDEN' } });
    const serverSide = connect(server, {
      id: ticket.peerId,
      token: ticket.ticket,
      origin: undefined,
    });
    await serverSide.waitFor('OPEN');
    await serverSide.close();
    await expectHonestPairWorks(server);
  });

  it('answers 404 to an upgrade on another path', async () => {
    const server = await startServer();
    const peer = connect(server, { id: 'host-x', token: 'abc', path: '/elsewhere' });
    expect(await peer.handshake).toMatchObject({
      status: 404,
      json: { error: { code: 'BB_ERR_NOT_FOUND' } },
    });
    await expectHonestPairWorks(server);
  });

  it('closes a silent socket with 4000 after the heartbeat timeout', async () => {
    const server = await startServer({ heartbeatTimeoutMs: 300 });
    const room = await registerRoom(server);
    const ticket = await hostTicket(server, room);
    const silent = await connectWith(server, ticket);
    expect(await silent.waitClosed()).toEqual({ code: 4000, reason: 'BB_ERR_HEARTBEAT_TIMEOUT' });
    expect(silent.frames.map((frame) => frame.type)).toEqual(['OPEN']);
    const back = await connectWith(server, ticket);
    await back.close();
    await expectHonestPairWorks(server);
  });

  it('answers EXPIRE when the partner does not come in time', async () => {
    const server = await startServer({ expireTimeoutMs: 200 });
    const room = await registerRoom(server);
    const ticket = await hostTicket(server, room);
    const host = await connectWith(server, ticket);
    host.send({
      type: 'OFFER',
      dst: ticket.remotePeerId,
      payload: { sdp: { type: 'offer', sdp: 'v=0' }, type: 'media', connectionId: 'mc_1' },
    });
    expect(await host.waitFor('EXPIRE')).toEqual({ type: 'EXPIRE', src: ticket.remotePeerId });
    await host.close();
    await expectHonestPairWorks(server);
  });

  it('delivers queued messages when the partner arrives in time', async () => {
    const server = await startServer({ expireTimeoutMs: 2000 });
    const room = await registerRoom(server);
    const hostT = await hostTicket(server, room);
    const host = await connectWith(server, hostT);
    const offer = {
      type: 'OFFER',
      dst: hostT.remotePeerId,
      payload: { sdp: { type: 'offer', sdp: 'v=0' }, type: 'media', connectionId: 'mc_q' },
    };
    host.send(offer);
    host.send({ type: 'HEARTBEAT' });
    const client = await connectWith(server, await clientTicket(server, room));
    expect(await client.waitFor('OFFER')).toEqual({ ...offer, src: hostT.peerId });
    expect(client.frames[0]?.type).toBe('OPEN');
    expect(host.frames.some((frame) => frame.type === 'EXPIRE')).toBe(false);
    await Promise.all([host.close(), client.close()]);
    await expectHonestPairWorks(server);
  });

  it('closes the live sockets of a revoked room and refuses its tickets', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const hostT = await hostTicket(server, room);
    const clientT = await clientTicket(server, room);
    const host = await connectWith(server, hostT);
    const client = await connectWith(server, clientT);
    const revoked = await call(server, 'DELETE', `/v1/rooms/${room.roomId}`, { headers: withKey });
    expect(revoked.status).toBe(204);
    await expectEnded(host, 'BB_ERR_ROOM_UNKNOWN');
    await expectEnded(client, 'BB_ERR_ROOM_UNKNOWN');
    await expectRefused(
      connect(server, { id: hostT.peerId, token: hostT.ticket }),
      'BB_ERR_ROOM_UNKNOWN',
    );
    const refused = await call(server, 'POST', '/v1/tickets', {
      body: { role: 'client', roomId: room.roomId, proof: room.link.proof },
    });
    expect(refused.status).toBe(403);
    await expectHonestPairWorks(server);
  });

  it('closes every socket with 1001 on shutdown', async () => {
    const server = await startServer();
    const room = await registerRoom(server);
    const host = await connectWith(server, await hostTicket(server, room));
    await server.close();
    expect(await host.waitClosed()).toEqual({ code: 1001, reason: 'BB_ERR_SERVER_SHUTTING_DOWN' });
    const late = new WebSocket(wsUrl(server, { id: 'host-x', token: 'abc' }));
    const failed = await new Promise<boolean>((resolve) => {
      late.on('error', () => resolve(true));
      late.on('open', () => resolve(false));
    });
    expect(failed).toBe(true);
  });
});
