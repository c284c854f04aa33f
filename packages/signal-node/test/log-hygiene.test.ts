import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  API_KEY,
  TICKET_SECRET,
  call,
  clientTicket,
  closeAll,
  connect,
  connectWith,
  expectRefused,
  hostTicket,
  registerRoom,
  startServer,
  withKey,
} from './helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  await closeAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('what bb-signal writes down', () => {
  it('keeps tickets, proofs, keys and addresses out of its logs and its database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bb-signal-log-'));
    dirs.push(dir);
    const databasePath = join(dir, 'signal.db');
    const lines: string[] = [];
    const server = await startServer({
      databasePath,
      logLevel: 'trace',
      logDestination: { write: (line) => lines.push(line) },
    });

    const room = await registerRoom(server);
    const hostT = await hostTicket(server, room);
    const clientT = await clientTicket(server, room);
    const host = await connectWith(server, hostT);
    const client = await connectWith(server, clientT);
    host.send({
      type: 'OFFER',
      dst: clientT.peerId,
      payload: { sdp: { type: 'offer', sdp: 'v=0' }, type: 'media', connectionId: 'mc_1' },
    });
    await client.waitFor('OFFER');
    await expectRefused(
      connect(server, { id: hostT.peerId, token: hostT.ticket }),
      'BB_ERR_TICKET_IN_USE',
      'ID-TAKEN',
    );
    await expectRefused(
      connect(server, { id: hostT.peerId, token: `${hostT.ticket.slice(0, -2)}AA` }),
      'BB_ERR_TICKET_INVALID',
    );
    const evil = connect(server, {
      id: clientT.peerId,
      token: clientT.ticket,
      origin: 'http://evil.example',
    });
    expect((await evil.handshake).status).toBe(403);
    await call(server, 'POST', '/v1/tickets', {
      body: { role: 'client', roomId: room.roomId, proof: `${room.link.proof.slice(0, -1)}A` },
    });
    await call(server, 'POST', '/v1/rooms', {
      headers: { authorization: `Bearer ${API_KEY}x` },
      body: { roomId: room.roomId, proofHash: room.link.proofHash },
    });
    await call(server, 'DELETE', `/v1/rooms/${room.roomId}`, { headers: withKey });
    await Promise.all([host.waitClosed(), client.waitClosed()]);
    await server.close();

    const log = lines.join('');
    // The capture works and covers the flow: every subsystem logged something.
    for (const name of ['signal:http', 'signal:rooms', 'signal:tickets', 'signal:socket']) {
      expect(log).toContain(`"name":"${name}"`);
    }
    expect(log).toContain('BB_ERR_TICKET_IN_USE');

    const database = ['', '-wal', '-shm']
      .map((suffix) => `${databasePath}${suffix}`)
      .filter((path) => existsSync(path))
      .map((path) => readFileSync(path).toString('latin1'))
      .join('');
    // The database holds what DESIGN.md allows: the room id and the proof hash.
    expect(database).toContain(room.roomId);
    expect(database).toContain(room.link.proofHash);

    const secrets = {
      hostTicket: hostT.ticket,
      clientTicket: clientT.ticket,
      ticketSignature: hostT.ticket.split('.')[2] ?? '',
      proof: room.link.proof,
      apiKey: API_KEY,
      ticketSecret: TICKET_SECRET,
      address: '127.0.0.1',
    };
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(8);
      expect(log.includes(secret), `${name} in the log`).toBe(false);
      expect(database.includes(secret), `${name} in the database`).toBe(false);
    }
    expect(log.includes(room.link.proofHash), 'proof hash in the log').toBe(false);
  });
});
