import { describe, expect, it } from 'vitest';
import { isBbError } from '../src/errors/index.js';
import { readConnectionPath } from '../src/call/connection-path.js';
import { hasTurnServer, resolveIceServers } from '../src/call/ice-servers.js';
import { resolveCallOptions } from '../src/call/options.js';
import { SessionLink } from '../src/links/index.js';

const SIGNAL = 'https://signal.example/';
const link = SessionLink.create('https://practice.example/join');
const TURN = {
  urls: ['turn:turn.practice.example:3478?transport=udp'],
  username: '1700000600:00112233445566778899aabbccddeeff',
  credential: 'abjQhUYWem6XlKtfmNObZfUkKcI=',
};

/** A fetch that records its calls and answers with `status` and `body`. */
function answering(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    calls.push({ url: String(input), init });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { calls, fetchImpl };
}

function options(fetchImpl: typeof fetch, extra: Record<string, unknown> = {}) {
  return resolveCallOptions({ signalUrl: SIGNAL, link: link.url, fetch: fetchImpl, ...extra });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('ICE servers of a call', () => {
  it('asks bb-signal with the ticket as a bearer token and appends its servers', async () => {
    const { calls, fetchImpl } = answering(200, {
      iceServers: [TURN],
      expiresAt: 1_700_000_600_000,
    });
    const own = [{ urls: 'stun:stun.practice.example:3478' }];
    const servers = await resolveIceServers(
      options(fetchImpl, { iceServers: own, relayOnly: true }),
      'v1.ticket.mac',
    );
    expect(servers).toEqual([own[0], TURN]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('https://signal.example/v1/turn-credentials');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(calls[0]?.init?.headers).toEqual({ authorization: 'Bearer v1.ticket.mac' });
    expect(calls[0]?.init?.credentials).toBe('omit');
  });

  it('fails a relay-only call without TURN with BB_ERR_RELAY_UNAVAILABLE', async () => {
    const stunOnly = answering(200, {
      iceServers: [{ urls: ['stun:stun.practice.example:3478'] }],
      expiresAt: 1,
    });
    const error = await failureOf(
      resolveIceServers(options(stunOnly.fetchImpl, { relayOnly: true }), 't'),
    );
    expect(isBbError(error, 'BB_ERR_RELAY_UNAVAILABLE')).toBe(true);

    const refused = answering(401, {
      error: { code: 'BB_ERR_TICKET_INVALID', message: 'no' },
    });
    const refusal = await failureOf(
      resolveIceServers(options(refused.fetchImpl, { relayOnly: true }), 't'),
    );
    expect(isBbError(refusal, 'BB_ERR_RELAY_UNAVAILABLE')).toBe(true);
    expect(isBbError((refusal as Error).cause, 'BB_ERR_TICKET_INVALID')).toBe(true);
  });

  it('goes on with the integrator servers when bb-signal gives none and relay is optional', async () => {
    const refused = answering(404, { error: { code: 'BB_ERR_NOT_FOUND', message: 'old' } });
    const own = [{ urls: 'stun:stun.practice.example:3478' }];
    expect(await resolveIceServers(options(refused.fetchImpl, { iceServers: own }), 't')).toEqual(
      own,
    );
    // The integrator's own TURN is enough for relay-only.
    expect(
      await resolveIceServers(
        options(refused.fetchImpl, { iceServers: [TURN], relayOnly: true }),
        't',
      ),
    ).toEqual([TURN]);
  });

  it('does not trust an answer that breaks the schema', async () => {
    const bad = answering(200, { iceServers: [{ urls: 'https://cdn.example/' }], expiresAt: 1 });
    const error = await failureOf(
      resolveIceServers(options(bad.fetchImpl, { relayOnly: true }), 't'),
    );
    expect(isBbError(error, 'BB_ERR_RELAY_UNAVAILABLE')).toBe(true);
    expect(isBbError((error as Error).cause, 'BB_ERR_SIGNAL_RESPONSE_INVALID')).toBe(true);
  });

  it('counts only TURN entries with a username and credential as TURN', () => {
    expect(hasTurnServer([TURN])).toBe(true);
    expect(hasTurnServer([{ urls: 'turn:turn.example' }])).toBe(false);
    expect(hasTurnServer([{ urls: 'stun:turn.example', username: 'u', credential: 'c' }])).toBe(
      false,
    );
  });

  it('relayOnly is a validated boolean, false by default', () => {
    expect(options(fetch).relayOnly).toBe(false);
    expect(() => options(fetch, { relayOnly: 'yes' })).toThrow(TypeError);
  });
});

/** A stand-in for RTCPeerConnection.getStats with the entries Chromium reports. */
function statsOf(entries: Record<string, unknown>[]): RTCPeerConnection {
  const map = new Map(entries.map((entry) => [entry['id'] as string, entry]));
  return { getStats: async () => map } as unknown as RTCPeerConnection;
}

describe('connection path', () => {
  const candidate = (id: string, candidateType: string) => ({
    id,
    type: id.startsWith('L') ? 'local-candidate' : 'remote-candidate',
    candidateType,
  });

  it('is relayed when the selected pair has a relay end, direct otherwise', async () => {
    const entries = (local: string, remote: string) => [
      { id: 'T1', type: 'transport', selectedCandidatePairId: 'P1' },
      { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' },
      { id: 'P2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1' },
      candidate('L1', local),
      candidate('L2', 'host'),
      candidate('R1', remote),
    ];
    expect(await readConnectionPath(statsOf(entries('relay', 'relay')))).toBe('relayed');
    expect(await readConnectionPath(statsOf(entries('host', 'relay')))).toBe('relayed');
    expect(await readConnectionPath(statsOf(entries('host', 'srflx')))).toBe('direct');
  });

  it('is unknown while no pair is selected, and reads Firefox-style `selected`', async () => {
    expect(
      await readConnectionPath(
        statsOf([{ id: 'T1', type: 'transport' }, candidate('L1', 'relay')]),
      ),
    ).toBeUndefined();
    const firefox = [
      {
        id: 'P1',
        type: 'candidate-pair',
        selected: true,
        localCandidateId: 'L1',
        remoteCandidateId: 'R1',
      },
      candidate('L1', 'relay'),
      candidate('R1', 'relay'),
    ];
    expect(await readConnectionPath(statsOf(firefox))).toBe('relayed');
  });
});
