import { describe, expect, it } from 'vitest';
import { decideIncoming } from '../src/call/glare.js';

describe('glare rule: the host-initiated control connection wins', () => {
  it('a client accepts the host and drops its own outgoing connection', () => {
    expect(decideIncoming('client', 'pending')).toBe('accept-and-drop-outgoing');
    expect(decideIncoming('client', 'open')).toBe('accept-and-drop-outgoing');
    expect(decideIncoming('client', 'none')).toBe('accept');
  });

  it('the host refuses the client while its own connection is pending or open', () => {
    expect(decideIncoming('host', 'pending')).toBe('refuse');
    expect(decideIncoming('host', 'open')).toBe('refuse');
  });

  it('the host accepts the client when it has no outgoing connection (it expired)', () => {
    expect(decideIncoming('host', 'none')).toBe('accept');
  });

  it('exactly one connection survives when both dial at once', () => {
    // Both sides have a pending outgoing connection and receive the other's.
    const host = decideIncoming('host', 'pending');
    const client = decideIncoming('client', 'pending');
    const survivors = [
      host === 'refuse' ? null : 'client-initiated',
      client === 'refuse' ? null : 'host-initiated',
    ].filter((x) => x !== null);
    expect(survivors).toEqual(['host-initiated']);
  });
});
