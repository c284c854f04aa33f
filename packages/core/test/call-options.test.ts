import { describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import { SessionLink } from '../src/links/index.js';
import type { TicketResponse } from '../src/protocol/index.js';
import { resolveCallOptions } from '../src/call/options.js';
import { SessionCall } from '../src/call/session-call.js';

const SIGNAL = 'https://signal.example/';
const link = SessionLink.create('https://practice.example/join');

function hostTicket(overrides: Partial<TicketResponse> = {}): TicketResponse {
  return {
    ticket: 'a'.repeat(40),
    roomId: link.roomId,
    role: 'host',
    peerId: `host-${'0'.repeat(32)}`,
    remotePeerId: `client-${'1'.repeat(32)}`,
    expiresAt: Date.now() + 60_000,
    ...overrides,
  };
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('SessionCall options', () => {
  it('a link alone makes a client, in the link room, with no ICE servers', () => {
    const options = resolveCallOptions({ signalUrl: SIGNAL, link: link.url });
    expect(options.role).toBe('client');
    expect(options.roomId).toBe(link.roomId);
    expect(options.iceServers).toEqual([]);
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('encrypts frames unless frameEncryption is off, and refuses any other value', () => {
    expect(resolveCallOptions({ signalUrl: SIGNAL, link: link.url }).frameEncryption).toBe('auto');
    const off = resolveCallOptions({ signalUrl: SIGNAL, link: link.url, frameEncryption: 'off' });
    expect(off.frameEncryption).toBe('off');
    const wrong = thrownBy(() =>
      resolveCallOptions({ signalUrl: SIGNAL, link: link.url, frameEncryption: false }),
    );
    expect((wrong as Error).message).toContain('options.frameEncryption');
  });

  it('a host ticket with the matching link makes a host', () => {
    const both = resolveCallOptions({ signalUrl: SIGNAL, link, hostTicket: hostTicket() });
    expect(both.role).toBe('host');
    expect(both.roomId).toBe(link.roomId);
  });

  it('refuses a host ticket without the link, whose binding key the proof needs', () => {
    const error = thrownBy(() =>
      resolveCallOptions({ signalUrl: SIGNAL, hostTicket: hostTicket() }),
    );
    expect(isBbError(error) && error.code).toBe('BB_ERR_INVALID_ARGUMENT');
    expect((error as Error).message).toContain('options.link is required');
  });

  it('the constructor exposes role and room and starts idle', () => {
    const call = new SessionCall({ signalUrl: SIGNAL, link: link.url });
    expect(call.state).toBe('idle');
    expect(call.role).toBe('client');
    expect(call.roomId).toBe(link.roomId);
    expect(call.localStream).toBeUndefined();
  });

  it('refuses neither link nor ticket', () => {
    const error = thrownBy(() => resolveCallOptions({ signalUrl: SIGNAL }));
    expect(isBbError(error, 'BB_ERR_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('options.link');
  });

  it('refuses a host ticket for another room than the link', () => {
    const other = SessionLink.create('https://practice.example/join');
    const error = thrownBy(() =>
      resolveCallOptions({ signalUrl: SIGNAL, link: other, hostTicket: hostTicket() }),
    );
    expect(isBbError(error, 'BB_ERR_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('options.hostTicket.roomId');
  });

  it('refuses a client ticket passed as hostTicket', () => {
    const ticket = hostTicket({
      role: 'client',
      peerId: `client-${'1'.repeat(32)}`,
      remotePeerId: `host-${'0'.repeat(32)}`,
    });
    const error = thrownBy(() => resolveCallOptions({ signalUrl: SIGNAL, hostTicket: ticket }));
    expect(isBbError(error, 'BB_ERR_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('options.hostTicket.role');
  });

  it('gives a TypeError naming the field for a wrong type', () => {
    const notObject = thrownBy(() => resolveCallOptions('https://signal.example'));
    expect(notObject).toBeInstanceOf(TypeError);
    const wrongUrl = thrownBy(() => resolveCallOptions({ signalUrl: 42, link: link.url }));
    expect(wrongUrl).toBeInstanceOf(TypeError);
    expect((wrongUrl as Error).message).toContain('options.signalUrl');
    const wrongFetch = thrownBy(() =>
      resolveCallOptions({ signalUrl: SIGNAL, link: link.url, fetch: 'fetch' }),
    );
    expect((wrongFetch as Error).message).toContain('options.fetch');
  });

  it('gives a RangeError for an empty ICE url list and a BbError for a bad scheme', () => {
    const empty = thrownBy(() =>
      resolveCallOptions({ signalUrl: SIGNAL, link: link.url, iceServers: [{ urls: [] }] }),
    );
    expect(empty).toBeInstanceOf(RangeError);
    expect((empty as Error).message).toContain('options.iceServers[0].urls');
    const scheme = thrownBy(() =>
      resolveCallOptions({
        signalUrl: SIGNAL,
        link: link.url,
        iceServers: [{ urls: 'http://turn.example' }],
      }),
    );
    expect(isBbError(scheme, 'BB_ERR_INVALID_ARGUMENT')).toBe(true);
    expect((scheme as Error).message).toContain('options.iceServers[0].urls');
  });

  it('refuses unknown options, so a typo does not silently fall back to a default', () => {
    const error = thrownBy(() =>
      resolveCallOptions({ signalUrl: SIGNAL, link: link.url, iceServer: [] }),
    );
    expect(isBbError(error, 'BB_ERR_INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toContain('options.iceServer');
  });

  it('keeps the link code for a malformed link and refuses a bad signalUrl', () => {
    const badLink = thrownBy(() =>
      resolveCallOptions({ signalUrl: SIGNAL, link: 'https://practice.example/join' }),
    );
    expect(isBbError(badLink, 'BB_ERR_LINK_MALFORMED')).toBe(true);
    const badUrl = thrownBy(() => resolveCallOptions({ signalUrl: 'ftp://x', link: link.url }));
    expect(isBbError(badUrl, 'BB_ERR_INVALID_ARGUMENT')).toBe(true);
  });

  it('freezes the ICE servers it was given as copies', () => {
    const iceServers = [{ urls: ['stun:stun.example:3478'] }];
    const options = resolveCallOptions({ signalUrl: SIGNAL, link: link.url, iceServers });
    iceServers[0]!.urls.push('stun:evil.example');
    expect(options.iceServers).toEqual([{ urls: ['stun:stun.example:3478'] }]);
    expect(Object.isFrozen(options.iceServers[0])).toBe(true);
  });
});
