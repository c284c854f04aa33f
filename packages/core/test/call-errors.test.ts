import { describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import { SessionLink } from '../src/links/index.js';
import { isPeerUnavailable, mapPeerError } from '../src/call/error-mapping.js';
import { signalError } from '../src/call/signal-api.js';
import { fetchClientTicket } from '../src/call/ticket.js';
import { mapMediaError } from '../src/media/index.js';

function peerError(type: string): Error & { type: string } {
  return Object.assign(new Error(`peerjs ${type}`), { type });
}

describe('PeerJS error mapping', () => {
  it.each([
    ['server-error', 'BB_ERR_SIGNAL_REFUSED'],
    ['unavailable-id', 'BB_ERR_SIGNAL_REFUSED'],
    ['network', 'BB_ERR_SIGNAL_UNREACHABLE'],
    ['socket-error', 'BB_ERR_SIGNAL_UNREACHABLE'],
    ['socket-closed', 'BB_ERR_SIGNAL_UNREACHABLE'],
    ['webrtc', 'BB_ERR_PEER_CONNECTION_FAILED'],
    ['something-new', 'BB_ERR_PEER_CONNECTION_FAILED'],
  ] as const)('%s becomes %s, keeping the cause', (type, code) => {
    const original = peerError(type);
    const mapped = mapPeerError(original);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(original);
  });

  it("keeps the server's code as the cause when bb-signal named one", () => {
    // PeerJS passes on the text of an ERROR frame (ID-TAKEN's text it replaces).
    const original = Object.assign(new Error('BB_ERR_ROOM_FULL: the client is already connected'), {
      type: 'server-error',
    });
    const mapped = mapPeerError(original);
    expect(mapped.code).toBe('BB_ERR_SIGNAL_REFUSED');
    expect(mapped.message).toContain('BB_ERR_ROOM_FULL');
    expect(isBbError(mapped.cause, 'BB_ERR_ROOM_FULL')).toBe(true);
    expect((mapped.cause as Error).cause).toBe(original);
    // A made-up code is not trusted as one of ours.
    const madeUp = mapPeerError(
      Object.assign(new Error('BB_ERR_NOPE: x'), { type: 'server-error' }),
    );
    expect(madeUp.cause).toBeInstanceOf(Error);
    expect(isBbError(madeUp.cause)).toBe(false);
  });

  it('peer-unavailable is recognised as "not here yet", not mapped to a failure', () => {
    expect(isPeerUnavailable(peerError('peer-unavailable'))).toBe(true);
    expect(isPeerUnavailable(peerError('network'))).toBe(false);
    expect(isPeerUnavailable('peer-unavailable')).toBe(false);
  });
});

describe('getUserMedia error mapping', () => {
  it('NotAllowedError and SecurityError mean permission denied', () => {
    for (const name of ['NotAllowedError', 'SecurityError']) {
      const error = Object.assign(new Error('denied'), { name });
      expect(mapMediaError(error).code).toBe('BB_ERR_MEDIA_PERMISSION_DENIED');
    }
  });

  it('everything else means no usable device', () => {
    for (const name of ['NotFoundError', 'NotReadableError', 'OverconstrainedError', 'TypeError']) {
      const error = Object.assign(new Error('no device'), { name });
      expect(mapMediaError(error).code).toBe('BB_ERR_MEDIA_UNAVAILABLE');
    }
  });
});

describe('client ticket requests', () => {
  const link = SessionLink.create('https://practice.example/join');

  function fakeFetch(status: number, body: unknown, seen: Request[] = []): typeof fetch {
    return async (input, init) => {
      seen.push(new Request(input, init));
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    };
  }

  it('posts the room and proof in the body and returns the parsed ticket', async () => {
    const seen: Request[] = [];
    const ticket = {
      ticket: 'b'.repeat(40),
      roomId: link.roomId,
      role: 'client',
      peerId: `client-${'1'.repeat(32)}`,
      remotePeerId: `host-${'0'.repeat(32)}`,
      expiresAt: Date.now() + 60_000,
    };
    const result = await fetchClientTicket(fakeFetch(200, ticket, seen), 'http://sig:8080/', link);
    expect(result).toEqual(ticket);
    expect(seen[0]!.url).toBe('http://sig:8080/v1/tickets');
    expect(seen[0]!.url).not.toContain(link.proof);
    expect(await seen[0]!.json()).toEqual({
      role: 'client',
      roomId: link.roomId,
      proof: link.proof,
    });
  });

  it('turns the server error body into a BbError with the server code', async () => {
    const body = { error: { code: 'BB_ERR_PROOF_INVALID', message: 'wrong proof' } };
    const error = await fetchClientTicket(fakeFetch(403, body), 'http://sig/', link).catch(
      (e: unknown) => e,
    );
    expect(isBbError(error, 'BB_ERR_PROOF_INVALID')).toBe(true);
  });

  it('maps bodies it cannot read by status, and an unreachable server', async () => {
    expect(signalError(502, undefined, 'ticket').code).toBe('BB_ERR_SIGNAL_UNREACHABLE');
    expect(signalError(404, { nope: true }, 'ticket').code).toBe('BB_ERR_SIGNAL_REFUSED');
    const failing: typeof fetch = async () => {
      throw new TypeError('Failed to fetch');
    };
    const error = await fetchClientTicket(failing, 'http://sig/', link).catch((e: unknown) => e);
    expect(isBbError(error, 'BB_ERR_SIGNAL_UNREACHABLE')).toBe(true);
  });

  it('refuses a 200 answer that is not a ticket', async () => {
    const error = await fetchClientTicket(fakeFetch(200, { ticket: 1 }), 'http://sig/', link).catch(
      (e: unknown) => e,
    );
    expect(isBbError(error, 'BB_ERR_SIGNAL_RESPONSE_INVALID')).toBe(true);
  });
});
