import { randomBytes } from '@noble/hashes/utils.js';
import type { Role } from '../protocol/index.js';
import { fromBase64Url, toBase64Url } from '../util/base64url.js';
import {
  NONCE_BYTES,
  commitNonce,
  computeProof,
  encodeTranscript,
  equalBytes,
  safetyCode,
} from './transcript.js';

/** The three proof messages each side sends on the control channel, in this order. */
export type ProofMessage =
  | { readonly type: 'hello'; readonly commit: string }
  | { readonly type: 'nonce'; readonly nonce: string }
  | {
      readonly type: 'proof';
      readonly mac: string;
      /**
       * True when the sender can encrypt and decrypt frames. It needs no MAC of its own:
       * it travels inside the DTLS channel whose certificates the proof authenticates.
       */
      readonly frames?: boolean | undefined;
    };

/** What one side knows before the exchange starts. */
export interface ProofSessionInput {
  readonly role: Role;
  readonly roomId: string;
  readonly bindingKey: Uint8Array;
  /** This side's certificate fingerprint as its own connection uses it. */
  readonly localFingerprint: string;
  /** The other side's certificate fingerprint as this side's DTLS transport saw it. */
  readonly remoteFingerprint: string;
  /** Whether this side can encrypt frames (see e2ee/); announced with its proof. */
  readonly frameEncryption?: boolean;
  /** The nonce source; tests pass fixed bytes, calls use the platform CSPRNG. */
  readonly random?: (length: number) => Uint8Array;
}

/** The result of one received message: what to send back, and the outcome once known. */
export interface ProofStep {
  readonly send: readonly ProofMessage[];
  readonly outcome?: VerifiedOutcome | { readonly verified: false };
}

/** A passed proof: the safety code, and what the frame keys are derived from. */
export interface VerifiedOutcome {
  readonly verified: true;
  readonly safetyCode: string;
  readonly hostNonce: Uint8Array;
  readonly clientNonce: Uint8Array;
  /** Whether the other side announced it can encrypt frames. */
  readonly remoteFrames: boolean;
}

export type Phase = 'await-hello' | 'await-nonce' | 'await-proof' | 'done';

/**
 * The fingerprint proof of one control channel, without any WebRTC: an internal seam the
 * unit tests drive with two instances in memory.
 *
 * Each side first sends a commitment to its nonce (`hello`), reveals the nonce only after
 * it holds the other's commitment (`nonce`), then sends its MAC (`proof`). Because a
 * man in the middle must fix its own nonce before it learns the honest side's, it cannot
 * try nonces until both safety codes happen to match, the attack commitments defend
 * against in short authentication strings (RFC 6189 section 4.4.1.1).
 */
export class ProofSession {
  private current: Phase = 'await-hello';
  private readonly nonce: Uint8Array;
  private remoteCommit: Uint8Array | undefined;
  private transcript: Uint8Array | undefined;
  private remoteNonce: Uint8Array | undefined;

  constructor(private readonly input: ProofSessionInput) {
    this.nonce = (input.random ?? randomBytes)(NONCE_BYTES);
  }

  /** Which message this side waits for, or `done`. */
  get phase(): Phase {
    return this.current;
  }

  /** The first message: the commitment to this side's nonce. */
  start(): ProofMessage {
    return { type: 'hello', commit: toBase64Url(commitNonce(this.nonce)) };
  }

  /** Advances on one message from the other side. Anything out of order fails. */
  receive(message: ProofMessage): ProofStep {
    const failed: ProofStep = { send: [], outcome: { verified: false } };
    const repeated = message.type === 'hello' && this.current !== 'await-hello';
    if (repeated && this.current !== 'done' && this.isRemoteCommit(message.commit)) {
      // The other side repeats its commitment until it hears ours; a copy changes nothing.
      return { send: [] };
    }
    if (this.current === 'await-hello' && message.type === 'hello') {
      this.remoteCommit = decode(message.commit);
      if (this.remoteCommit === undefined) {
        return this.finish(failed);
      }
      this.current = 'await-nonce';
      return { send: [{ type: 'nonce', nonce: toBase64Url(this.nonce) }] };
    }
    if (this.current === 'await-nonce' && message.type === 'nonce') {
      const remoteNonce = decode(message.nonce);
      const commit = this.remoteCommit;
      if (remoteNonce === undefined || commit === undefined) {
        return this.finish(failed);
      }
      if (!equalBytes(commitNonce(remoteNonce), commit)) {
        return this.finish(failed);
      }
      this.transcript = this.buildTranscript(remoteNonce);
      this.remoteNonce = remoteNonce;
      this.current = 'await-proof';
      const mac = computeProof(this.input.bindingKey, this.transcript, this.input.role);
      const proof: ProofMessage = { type: 'proof', mac: toBase64Url(mac) };
      return { send: [this.input.frameEncryption === true ? { ...proof, frames: true } : proof] };
    }
    if (this.current === 'await-proof' && message.type === 'proof') {
      const mac = decode(message.mac);
      const transcript = this.transcript as Uint8Array;
      const other: Role = this.input.role === 'host' ? 'client' : 'host';
      const expected = computeProof(this.input.bindingKey, transcript, other);
      if (mac === undefined || !equalBytes(mac, expected)) {
        return this.finish(failed);
      }
      const host = this.input.role === 'host';
      const remoteNonce = this.remoteNonce as Uint8Array;
      return this.finish({
        send: [],
        outcome: {
          verified: true,
          safetyCode: safetyCode(transcript),
          hostNonce: host ? this.nonce : remoteNonce,
          clientNonce: host ? remoteNonce : this.nonce,
          remoteFrames: message.frames === true,
        },
      });
    }
    return this.finish(failed);
  }

  private isRemoteCommit(commit: string): boolean {
    const bytes = decode(commit);
    return (
      bytes !== undefined && this.remoteCommit !== undefined && equalBytes(bytes, this.remoteCommit)
    );
  }

  private finish(step: ProofStep): ProofStep {
    this.current = 'done';
    return step;
  }

  private buildTranscript(remoteNonce: Uint8Array): Uint8Array {
    const { role, roomId, localFingerprint, remoteFingerprint } = this.input;
    const host = role === 'host';
    return encodeTranscript({
      roomId,
      hostNonce: host ? this.nonce : remoteNonce,
      clientNonce: host ? remoteNonce : this.nonce,
      hostFingerprint: host ? localFingerprint : remoteFingerprint,
      clientFingerprint: host ? remoteFingerprint : localFingerprint,
    });
  }
}

function decode(text: string): Uint8Array | undefined {
  try {
    const bytes = fromBase64Url(text);
    return bytes.length === 32 ? bytes : undefined;
  } catch {
    return undefined;
  }
}
