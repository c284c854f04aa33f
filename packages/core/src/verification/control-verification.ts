import type { DataConnection } from 'peerjs';
import { BbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import type { Role } from '../protocol/index.js';
import {
  certificateFingerprint,
  observedFingerprints,
  remoteDescriptionPresents,
} from './fingerprints.js';
import { ProofSession, type ProofMessage } from './proof-session.js';
import { deriveFrameKeys, type FrameKeys } from '../e2ee/frame-keys.js';

/** How long the whole proof may take once the control channel is open. */
export const PROOF_TIMEOUT_MS = 10_000;

/** How often this side repeats its commitment while the other's has not arrived. */
const HELLO_REPEAT_MS = 500;

/** What a passed proof establishes about the other participant. */
export interface ProvenPeer {
  /** The other side's certificate fingerprint; every later connection must present it. */
  readonly remoteFingerprint: string;
  /** Six digits both people can read to each other. */
  readonly safetyCode: string;
  /**
   * The frame keys of this proof, when both sides announced frame encryption; undefined
   * when either cannot encrypt frames. Key material: never log it.
   */
  readonly frameKeys: FrameKeys | undefined;
}

export interface ControlVerificationInput {
  readonly connection: DataConnection;
  readonly role: Role;
  readonly roomId: string;
  readonly bindingKey: Uint8Array;
  readonly certificate: RTCCertificate;
  /** Whether this side can encrypt frames, announced with its proof. */
  readonly frameEncryption?: boolean;
  readonly timeoutMs?: number;
}

const log = createLogger('core:verification');

function verificationError(message: string): BbError {
  return new BbError('BB_ERR_VERIFICATION_FAILED', message);
}

/**
 * Runs the fingerprint proof over an open control channel (RFC 8827 section 6.5 leaves
 * identity to the application; this is ours). It reads both certificates from the
 * channel's own DTLS transport, checks the signalled description agrees, then exchanges
 * the three proof messages. `result` rejects with `BB_ERR_VERIFICATION_FAILED` on any
 * mismatch, any malformed or out-of-order message, or the timeout.
 */
export class ControlVerification {
  readonly result: Promise<ProvenPeer>;
  private session: ProofSession | undefined;
  private readonly queued: ProofMessage[] = [];
  private settled = false;
  private resolve!: (peer: ProvenPeer) => void;
  private reject!: (error: BbError) => void;
  private readonly timer: ReturnType<typeof setTimeout>;
  private repeater: ReturnType<typeof setInterval> | undefined;
  private remoteFingerprint = '';

  constructor(private readonly input: ControlVerificationInput) {
    this.result = new Promise<ProvenPeer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Callers attach their handler later; this keeps an early failure from being unhandled.
    this.result.catch(() => undefined);
    const timeoutMs = input.timeoutMs ?? PROOF_TIMEOUT_MS;
    this.timer = setTimeout(() => {
      const stage = this.session === undefined ? 'no certificates were read' : this.session.phase;
      this.fail(
        verificationError(`The other side did not prove its certificate in time (${stage})`),
      );
    }, timeoutMs);
    void this.start(Date.now() + timeoutMs);
  }

  /** Passes on one proof message from the control channel. */
  handle(message: ProofMessage): void {
    if (this.settled) {
      return;
    }
    if (this.session === undefined) {
      this.queued.push(message);
      return;
    }
    const step = this.session.receive(message);
    for (const reply of step.send) {
      void this.input.connection.send(reply);
    }
    if (step.outcome?.verified === true) {
      this.settle();
      const { safetyCode, hostNonce, clientNonce, remoteFrames } = step.outcome;
      const { bindingKey, role, frameEncryption } = this.input;
      const frames = frameEncryption === true && remoteFrames;
      this.resolve({
        remoteFingerprint: this.remoteFingerprint,
        safetyCode,
        frameKeys: frames
          ? deriveFrameKeys({ bindingKey, hostNonce, clientNonce }, role)
          : undefined,
      });
    } else if (step.outcome?.verified === false) {
      this.fail(verificationError('The other side could not prove it holds this session link'));
    }
  }

  /** Stops waiting; the result stays pending-then-rejected for nobody. */
  cancel(): void {
    this.fail(verificationError('Verification was cancelled'));
  }

  private async start(deadline: number): Promise<void> {
    const { connection, certificate } = this.input;
    const pc = connection.peerConnection;
    const own = certificateFingerprint(certificate);
    const agrees = (seen: { local: string; remote: string }) =>
      seen.local === own && remoteDescriptionPresents(pc as RTCPeerConnection, seen.remote);
    const observed =
      pc === undefined ? undefined : await observedFingerprints(pc, deadline, agrees);
    // A channel closed meanwhile (the other side won a glare, or left) is not a failed
    // proof: its owner drops it and cancels this proof; the timeout still guards it.
    if (this.settled || (observed === undefined && pc?.connectionState === 'closed')) {
      return;
    }
    if (own === undefined || observed === undefined || observed.local !== own) {
      this.fail(verificationError("The control channel does not use this side's certificate"));
      return;
    }
    if (!remoteDescriptionPresents(pc as RTCPeerConnection, observed.remote)) {
      this.fail(verificationError('The signalled fingerprint differs from the one negotiated'));
      return;
    }
    this.remoteFingerprint = observed.remote;
    this.session = new ProofSession({
      role: this.input.role,
      roomId: this.input.roomId,
      bindingKey: this.input.bindingKey,
      localFingerprint: own,
      remoteFingerprint: observed.remote,
      frameEncryption: this.input.frameEncryption === true,
    });
    const session = this.session;
    void connection.send(session.start());
    // A message sent the moment a data channel opens can be lost before the other end's
    // handlers run (seen in Chromium 156), so the commitment is repeated until answered.
    this.repeater = setInterval(() => {
      if (session.phase === 'await-hello') {
        void connection.send(session.start());
      }
    }, HELLO_REPEAT_MS);
    for (const message of this.queued.splice(0)) {
      this.handle(message);
    }
  }

  private settle(): void {
    this.settled = true;
    clearTimeout(this.timer);
    clearInterval(this.repeater);
  }

  private fail(error: BbError): void {
    if (this.settled) {
      return;
    }
    this.settle();
    log.warn('verification failed', { role: this.input.role });
    this.reject(error);
  }
}
