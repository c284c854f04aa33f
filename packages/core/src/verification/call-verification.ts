import type { DataConnection, MediaConnection } from 'peerjs';
import { BbError } from '../errors/index.js';
import type { Role } from '../protocol/index.js';
import { ControlVerification, type ProvenPeer } from './control-verification.js';
import { guardMediaConnection } from './media-guard.js';
import type { ProofMessage } from './proof-session.js';
import { parseControlMessage } from '../call/control-channel.js';

/** What a call's verification needs to know about the session. */
export interface CallVerificationInput {
  readonly role: Role;
  readonly roomId: string;
  readonly bindingKey: Uint8Array;
  /** Called when any connection breaks the proof; the call must then fail. */
  onViolation(error: BbError): void;
}

/**
 * Everything about verification one `SessionCall` holds: its one certificate for every
 * connection it makes, the running proof, and the fingerprint proven by it.
 */
export class CallVerification {
  private own: RTCCertificate | undefined;
  private running: ControlVerification | undefined;
  private proven: ProvenPeer | undefined;
  private readonly early = new WeakMap<DataConnection, ProofMessage[]>();

  constructor(private readonly input: CallVerificationInput) {}

  /** The certificate given to every RTCPeerConnection of this participant. */
  get certificate(): RTCCertificate | undefined {
    return this.own;
  }

  get safetyCode(): string | undefined {
    return this.proven?.safetyCode;
  }

  get verified(): boolean {
    return this.proven !== undefined;
  }

  /** Generates the certificate (ECDSA P-256, as WebRTC browsers prefer, RFC 8827 6.5). */
  async prepare(): Promise<RTCCertificate> {
    if (typeof RTCPeerConnection?.generateCertificate !== 'function') {
      throw new BbError('BB_ERR_VERIFICATION_FAILED', 'This browser cannot create a certificate');
    }
    this.own = await RTCPeerConnection.generateCertificate({
      name: 'ECDSA',
      namedCurve: 'P-256',
    } as EcKeyGenParams);
    return this.own;
  }

  /**
   * Keeps the proof messages a control connection receives before it is adopted: the
   * other side may send its first message as soon as its end is open, and the browser
   * can deliver it before this end's `open` event has run.
   */
  capture(connection: DataConnection): void {
    const held: ProofMessage[] = [];
    this.early.set(connection, held);
    connection.on('data', (data) => {
      const message = parseControlMessage(data);
      const proof = message?.type === 'hello' || message?.type === 'nonce';
      if (this.early.get(connection) === held && (proof || message?.type === 'proof')) {
        held.push(message);
      }
    });
  }

  /** Starts the proof on a newly adopted control channel, forgetting any earlier result. */
  begin(connection: DataConnection): Promise<ProvenPeer> {
    this.reset();
    const held = this.early.get(connection) ?? [];
    this.early.delete(connection);
    if (this.own === undefined) {
      return Promise.reject(new BbError('BB_ERR_VERIFICATION_FAILED', 'No certificate'));
    }
    const { role, roomId, bindingKey } = this.input;
    const running = new ControlVerification({
      connection,
      role,
      roomId,
      bindingKey,
      certificate: this.own,
    });
    this.running = running;
    for (const message of held) {
      running.handle(message);
    }
    return running.result.then((peer) => {
      if (this.running === running) {
        this.proven = peer;
      }
      return peer;
    });
  }

  /** Passes a proof message from the current control channel to the running proof. */
  handle(message: ProofMessage): void {
    this.running?.handle(message);
  }

  /**
   * Holds a media connection to the proven fingerprint (see `guardMediaConnection`).
   * Without a proof, the connection is closed at once.
   */
  vet(call: MediaConnection): Promise<boolean> {
    const proven = this.proven;
    if (proven === undefined) {
      call.close();
      return Promise.resolve(false);
    }
    return guardMediaConnection(call, proven.remoteFingerprint, (error) =>
      this.input.onViolation(error),
    );
  }

  /** The control channel went away: the next one must prove itself again. */
  reset(): void {
    this.running?.cancel();
    this.running = undefined;
    this.proven = undefined;
  }
}
