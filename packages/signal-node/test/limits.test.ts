import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { addressKey } from '../src/socket/address-limiter.js';
import {
  clientTicket,
  closeAll,
  connectWith,
  expectHonestPairWorks,
  hostTicket,
  registerRoom,
  startServer,
  within,
  type Frame,
} from './helpers.js';

afterEach(closeAll);

/** Collects the server's JSON log lines. */
function logSink(): { write(line: string): void; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) };
}

function candidate(to: string, index: number, padding = ''): Frame {
  return {
    type: 'CANDIDATE',
    dst: to,
    payload: {
      candidate: { candidate: `candidate:${index} 1 udp 1 127.0.0.1 5000 typ host${padding}` },
      type: 'media',
      connectionId: 'mc_limits',
    },
  };
}

// Bounded waits inside; the limit is generous for a busy shared machine.
describe('bb-signal per-connection bounds', { timeout: 30_000 }, () => {
  it('closes a socket that stops reading with 1013 once maxBufferedBytes wait for it', async () => {
    const maxBufferedBytes = 256 * 1024;
    const log = logSink();
    const server = await startServer({
      maxBufferedBytes,
      maxFrameBytes: 32 * 1024,
      messagesPerSecond: 10_000,
      messageBurst: 100_000,
      logLevel: 'info',
      logDestination: log,
    });
    const room = await registerRoom(server);
    const hostT = await hostTicket(server, room);
    const host = await connectWith(server, hostT);
    const reader = await connectWith(server, await clientTicket(server, room));
    // The reader's browser freezes: its TCP socket is no longer read, so the kernel
    // buffers fill and then the server's own send buffer grows.
    const socket = (reader.ws as unknown as { _socket: Socket })._socket;
    socket.pause();

    const padding = ' '.repeat(24 * 1024);
    const closedLine = () => log.lines.find((line) => line['code'] === 'BB_ERR_SLOW_RECEIVER');
    // Bounded: 4000 frames of 24 KiB (96 MiB) is far more than loopback buffers hold.
    for (let batch = 0; batch < 40 && closedLine() === undefined; batch += 1) {
      for (let index = 0; index < 100; index += 1) {
        host.send(candidate(hostT.remotePeerId, batch * 100 + index, padding));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const line = closedLine();
    expect(line).toMatchObject({ level: 40, msg: 'peer is not reading; socket closed' });
    // The server stopped sending at the bound: at most one frame beyond it was queued.
    expect(line?.['bufferedBytes']).toBeGreaterThan(maxBufferedBytes);
    expect(line?.['bufferedBytes']).toBeLessThanOrEqual(maxBufferedBytes + 32 * 1024);

    socket.resume();
    expect(await reader.waitClosed()).toEqual({ code: 1013, reason: 'BB_ERR_SLOW_RECEIVER' });
    // What it did receive arrived in order and whole; nothing after the close.
    const received = reader.frames.filter((frame) => frame.type === 'CANDIDATE').length;
    expect(received).toBeGreaterThan(0);
    expect(host.ws.readyState).toBe(host.ws.OPEN);
    await host.close();
    await expectHonestPairWorks(server);
  });

  it('holds at most 64 messages for an absent partner and delivers them in order', async () => {
    const server = await startServer({ expireTimeoutMs: 10_000 });
    const room = await registerRoom(server);
    const hostT = await hostTicket(server, room);
    const host = await connectWith(server, hostT);
    for (let index = 0; index < 100; index += 1) {
      host.send(candidate(hostT.remotePeerId, index));
    }
    const client = await connectWith(server, await clientTicket(server, room));
    host.send({ type: 'LEAVE', dst: hostT.remotePeerId });
    await client.waitFor('LEAVE');
    const held = client.frames.filter((frame) => frame.type === 'CANDIDATE');
    expect(
      held.map(
        (frame) =>
          (frame['payload'] as { candidate: { candidate: string } }).candidate.candidate.split(
            ' ',
          )[0],
      ),
    ).toEqual(Array.from({ length: 64 }, (_unused, index) => `candidate:${index}`));
    await Promise.all([host.close(), client.close()]);
    await expectHonestPairWorks(server);
  });

  it('holds at most four frames of bytes for an absent partner', async () => {
    const maxFrameBytes = 4096;
    const server = await startServer({ expireTimeoutMs: 10_000, maxFrameBytes });
    const room = await registerRoom(server);
    const hostT = await hostTicket(server, room);
    const host = await connectWith(server, hostT);
    const padding = ' '.repeat(3000);
    for (let index = 0; index < 20; index += 1) {
      host.send(candidate(hostT.remotePeerId, index, padding));
    }
    const client = await connectWith(server, await clientTicket(server, room));
    host.send({ type: 'LEAVE', dst: hostT.remotePeerId });
    await within(client.waitFor('LEAVE'), 'LEAVE');
    const held = client.frames.filter((frame) => frame.type === 'CANDIDATE');
    // Each frame is a little over 3000 bytes; 4 * 4096 bytes hold five of them.
    expect(held.length).toBe(5);
    await Promise.all([host.close(), client.close()]);
    await expectHonestPairWorks(server);
  });
});

describe('addressKey', () => {
  it('counts IPv4 as is, IPv4-mapped as IPv4, and IPv6 by its /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::FFFF:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002::ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(addressKey('unknown')).toBe('unknown');
  });
});
