import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientTicket,
  closeAll,
  connect,
  connectWith,
  expectRefused,
  hostTicket,
  registerRoom,
  startServer,
} from './helpers.js';

// A restarted bb-signal (same database, same ticket secret) must still know which
// ticket each participant of a call connected with, so they can reconnect after the
// one-minute first-use window of their tickets has passed.

const dirs: string[] = [];
afterEach(async () => {
  await closeAll();
  for (const dir of dirs.splice(0)) {
    rmSync(dir, { recursive: true, force: true });
  }
});

function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bb-bindings-'));
  dirs.push(dir);
  return join(dir, 'signal.db');
}

const pastFirstUse = () => new Promise((resolve) => setTimeout(resolve, 1_200));

describe('slot bindings across a restart', () => {
  it('lets a used ticket reconnect after a restart, past its first-use window', async () => {
    const databasePath = databaseFile();
    const first = await startServer({ databasePath, ticketTtlSeconds: 1 });
    const room = await registerRoom(first);
    const host = await hostTicket(first, room);
    await connectWith(first, host);
    await first.close();
    await pastFirstUse();

    const second = await startServer({ databasePath, ticketTtlSeconds: 1 });
    // connectWith waits for OPEN: the restarted server accepted the ticket.
    const again = await connectWith(second, host);
    expect(again.frames.map((frame) => frame.type)).toContain('OPEN');
  });

  it('still refuses a ticket that was never used once its window has passed', async () => {
    const databasePath = databaseFile();
    const first = await startServer({ databasePath, ticketTtlSeconds: 1 });
    const room = await registerRoom(first);
    const unused = await clientTicket(first, room);
    await first.close();
    await pastFirstUse();

    const second = await startServer({ databasePath, ticketTtlSeconds: 1 });
    await expectRefused(
      connect(second, { id: unused.peerId, token: unused.ticket }),
      'BB_ERR_TICKET_EXPIRED',
    );
  });

  it('stores the ticket id only, never the ticket', async () => {
    const databasePath = databaseFile();
    const server = await startServer({ databasePath });
    const room = await registerRoom(server);
    const host = await hostTicket(server, room);
    await connectWith(server, host);
    await server.close();
    const db = new BetterSqlite3(databasePath, { readonly: true });
    const rows = db
      .prepare<[], { role: string; ticket_id: string }>(
        'SELECT role, ticket_id FROM session_bindings',
      )
      .all();
    db.close();
    const claims = JSON.parse(
      Buffer.from(host.ticket.split('.')[1] ?? '', 'base64url').toString(),
    ) as {
      jti: string;
    };
    expect(rows).toEqual([{ role: 'host', ticket_id: claims.jti }]);
    expect(readFileSync(databasePath).includes(Buffer.from(host.ticket))).toBe(false);
  });
});
