import type { DataConnection } from 'peerjs';
import { BbError } from '../errors/index.js';
import type { Role } from '../protocol/index.js';
import { ControlVerification, type ProvenPeer } from './control-verification.js';
import { guardMediaConnection, type GuardedConnection } from './media-guard.js';
import type { ProofMessage } from './proof-session.js';
import { parseControlMessage } from '../call/control-channel.js';
import { FrameProtection } from '../e2ee/frame-protection.js';
import type { FrameEncryptionStatus } from './security-summary.js';

/** What a call's verification needs to know about the session. */
export interface CallVerificationInput {
  readonly role: Role;
  readonly roomId: string;
  readonly bindingKey: Uint8Array;
  /** False turns frame encryption off (`SessionCallOptions.frameEncryption: 'off'`). */
  readonly frameEncryption: boolean;
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
  private readonly frames: FrameProtection;

  constructor(private readonly input: CallVerificationInput) {
    this.frames = new FrameProtection((error) => input.onViolation(error));
  }

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

  /** Frame encryption's state for the security summary. */
  get frameStatus(): FrameEncryptionStatus {
    const { kind, active, counts } = this.frames;
    const capable = this.input.frameEncryption && kind !== undefined;
    let state: FrameEncryptionStatus['state'] = 'off';
    if (active) {
      state = 'on';
    } else if (this.input.frameEncryption && (!capable || this.proven !== undefined)) {
      state = 'unsupported';
    }
    return { state, transform: kind, decrypted: counts.decrypted, rejected: counts.rejected };
  }

  /** The browser API frame encryption will use, once `prepare` found one; the config needs it. */
  get frameTransform(): FrameProtection['kind'] {
    return this.frames.kind;
  }

  /**
   * Generates the certificate (ECDSA P-256, as WebRTC browsers prefer, RFC 8827 6.5) and,
   * unless frame encryption is off, starts the frame worker at the same time.
   */
  async prepare(): Promise<RTCCertificate> {
    if (typeof RTCPeerConnection?.generateCertificate !== 'function') {
      throw new BbError('BB_ERR_VERIFICATION_FAILED', 'This browser cannot create a certificate');
    }
    const [certificate] = await Promise.all([
      RTCPeerConnection.generateCertificate({
        name: 'ECDSA',
        namedCurve: 'P-256',
      } as EcKeyGenParams),
      this.input.frameEncryption ? this.frames.start() : undefined,
    ]);
    this.own = certificate;
    return certificate;
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
      frameEncryption: this.input.frameEncryption && this.frames.kind !== undefined,
    });
    this.running = running;
    for (const message of held) {
      running.handle(message);
    }
    return running.result.then(async (peer) => {
      const current = () => this.running === running;
      if (current()) {
        await this.frames.useKeys(peer.frameKeys).catch((cause: unknown) => {
          throw new BbError('BB_ERR_FRAME_ENCRYPTION_FAILED', 'The frame keys could not be set', {
            cause,
          });
        });
      }
      if (current()) {
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
  vet(call: GuardedConnection): Promise<boolean> {
    const proven = this.proven;
    if (proven === undefined) {
      call.close();
      return Promise.resolve(false);
    }
    if (call.peerConnection !== undefined) {
      try {
        this.frames.protect(call.peerConnection);
      } catch (error) {
        call.close();
        this.input.onViolation(error as BbError);
        return Promise.resolve(false);
      }
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
    this.frames.clearKeys();
  }

  /** Ends frame encryption's worker; the call is over. */
  close(): void {
    this.reset();
    this.frames.close();
  }
}
