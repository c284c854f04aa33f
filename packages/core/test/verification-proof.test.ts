import { describe, expect, it } from 'vitest';
import type { Role } from '../src/protocol/index.js';
import {
  ProofSession,
  type ProofMessage,
  type ProofStep,
} from '../src/verification/proof-session.js';

const ROOM = 'AAAAAAAAAAAAAAAAAAAAAA';
const fingerprint = (byte: number) =>
  Array.from({ length: 32 }, () => byte.toString(16).padStart(2, '0').toUpperCase()).join(':');
const HOST_FP = fingerprint(0x11);
const CLIENT_FP = fingerprint(0x22);
const ATTACKER_FP = fingerprint(0x33);
const KEY = new Uint8Array(32).fill(9);

function side(role: Role, overrides: Partial<ConstructorParameters<typeof ProofSession>[0]> = {}) {
  const host = role === 'host';
  return new ProofSession({
    role,
    roomId: ROOM,
    bindingKey: KEY,
    localFingerprint: host ? HOST_FP : CLIENT_FP,
    remoteFingerprint: host ? CLIENT_FP : HOST_FP,
    ...overrides,
  });
}

/** Runs both sides to the end over an in-memory, in-order channel (bounded to 20 hops). */
function exchange(host: ProofSession, client: ProofSession) {
  const outcomes: { host?: ProofStep['outcome']; client?: ProofStep['outcome'] } = {};
  const queue: { to: 'host' | 'client'; message: ProofMessage }[] = [
    { to: 'client', message: host.start() },
    { to: 'host', message: client.start() },
  ];
  for (let hops = 0; hops < 20 && queue.length > 0; hops += 1) {
    const { to, message } = queue.shift()!;
    const step = (to === 'host' ? host : client).receive(message);
    outcomes[to] ??= step.outcome;
    for (const reply of step.send) {
      queue.push({ to: to === 'host' ? 'client' : 'host', message: reply });
    }
  }
  return outcomes;
}

describe('fingerprint proof between two in-memory sides', () => {
  it('verifies both sides of an honest exchange with the same safety code', () => {
    const outcomes = exchange(side('host'), side('client'));
    expect(outcomes.host?.verified).toBe(true);
    expect(outcomes.client?.verified).toBe(true);
    const code = (o: ProofStep['outcome']) => (o?.verified === true ? o.safetyCode : undefined);
    expect(code(outcomes.host)).toMatch(/^\d{6}$/);
    expect(code(outcomes.host)).toBe(code(outcomes.client));
  });

  it('hands both sides the same nonces and each side the other one’s frame announcement', () => {
    const random = (fill: number) => () => new Uint8Array(32).fill(fill);
    const outcomes = exchange(
      side('host', { random: random(1), frameEncryption: true }),
      side('client', { random: random(2) }),
    );
    const [host, client] = [outcomes.host, outcomes.client];
    if (host?.verified !== true || client?.verified !== true) {
      throw new Error('the honest exchange did not verify');
    }
    expect(host.hostNonce).toEqual(new Uint8Array(32).fill(1));
    expect(host.clientNonce).toEqual(new Uint8Array(32).fill(2));
    expect(client.hostNonce).toEqual(host.hostNonce);
    expect(client.clientNonce).toEqual(host.clientNonce);
    expect(client.remoteFrames).toBe(true);
    expect(host.remoteFrames).toBe(false);
  });

  it('fails both sides when one holds a different binding key', () => {
    const wrong = new Uint8Array(32).fill(10);
    const outcomes = exchange(side('host'), side('client', { bindingKey: wrong }));
    expect(outcomes.host?.verified).toBe(false);
    expect(outcomes.client?.verified).toBe(false);
  });

  it('fails when each side saw another certificate, as behind a relaying attacker', () => {
    const outcomes = exchange(
      side('host', { remoteFingerprint: ATTACKER_FP }),
      side('client', { remoteFingerprint: ATTACKER_FP }),
    );
    expect(outcomes.host?.verified).toBe(false);
    expect(outcomes.client?.verified).toBe(false);
  });

  it('fails for another room, even with the same key and certificates', () => {
    const outcomes = exchange(side('host'), side('client', { roomId: 'BBBBBBBBBBBBBBBBBBBBBB' }));
    expect(outcomes.host?.verified).toBe(false);
  });

  it('refuses a nonce that does not match its commitment', () => {
    const host = side('host');
    host.receive(side('client').start());
    const step = host.receive({ type: 'nonce', nonce: 'A'.repeat(43) });
    expect(step.outcome?.verified).toBe(false);
  });

  it('refuses messages out of order, and everything after a failure', () => {
    const host = side('host');
    expect(host.receive({ type: 'proof', mac: 'A'.repeat(43) }).outcome?.verified).toBe(false);
    expect(host.receive(side('client').start()).outcome?.verified).toBe(false);
  });

  it('ignores a repeated commitment but refuses a different one', () => {
    const host = side('host');
    const client = side('client');
    const hello = client.start();
    expect(host.receive(hello).send).toHaveLength(1);
    expect(host.receive(hello)).toEqual({ send: [] });
    expect(host.receive(side('client').start()).outcome?.verified).toBe(false);
  });

  it('refuses its own proof reflected back to it', () => {
    const host = side('host');
    const client = side('client');
    const nonceForClient = host.receive(client.start()).send[0]!;
    const nonceForHost = client.receive(host.start()).send[0]!;
    const hostProof = host.receive(nonceForHost).send[0]!;
    client.receive(nonceForClient);
    expect(host.receive(hostProof).outcome?.verified).toBe(false);
  });
});
