import { describe, expect, it } from 'vitest';
import { DEFAULT_STRINGS, mergeStrings, statusText } from '../src/bb-session/bb-session.strings.js';

describe('the status line of <bb-session>', () => {
  it('says why while reconnecting: our connection, or the other person’s', () => {
    expect(statusText(DEFAULT_STRINGS, 'reconnecting', 'ice-failed')).toBe(
      DEFAULT_STRINGS.reasons.interrupted,
    );
    expect(statusText(DEFAULT_STRINGS, 'reconnecting', 'peer-silent')).toBe(
      DEFAULT_STRINGS.reasons.interrupted,
    );
    expect(statusText(DEFAULT_STRINGS, 'reconnecting', 'peer-lost')).toBe(
      DEFAULT_STRINGS.reasons.peerLost,
    );
  });

  it('tells a person who is gone from one who has not arrived yet', () => {
    expect(statusText(DEFAULT_STRINGS, 'waiting', 'peer-gone')).toBe(
      DEFAULT_STRINGS.reasons.peerGone,
    );
    expect(statusText(DEFAULT_STRINGS, 'waiting', 'peer-unavailable')).toBe(
      DEFAULT_STRINGS.status.waiting,
    );
    expect(statusText(DEFAULT_STRINGS, 'connected', 'recovered')).toBe(
      DEFAULT_STRINGS.status.connected,
    );
  });

  it('takes a partial override of the reasons key by key', () => {
    const strings = mergeStrings({ reasons: { peerGone: 'Weg.' } });
    expect(statusText(strings, 'waiting', 'peer-gone')).toBe('Weg.');
    expect(strings.reasons.peerLost).toBe(DEFAULT_STRINGS.reasons.peerLost);
  });
});
