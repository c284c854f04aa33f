import type { Logger } from 'pino';

/** A message on its way to a browser: always JSON, always with a PeerJS `type`. */
export interface OutboundFrame {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A relayed PeerJS message: the sender's own fields plus `src`, set by the server. */
export interface RelayedFrame extends OutboundFrame {
  readonly type: 'OFFER' | 'ANSWER' | 'CANDIDATE' | 'LEAVE';
  readonly src: string;
  readonly dst: string;
}

/** One side of a session as the relay sees it. */
export interface RelayEndpoint {
  readonly peerId: string;
  /** The only peer id this endpoint may address. */
  readonly partnerId: string;
  deliver(frame: OutboundFrame): void;
}

/**
 * Carries messages between the two participants of a session. The caller has already
 * checked that `frame.dst` is the sender's partner. A multi-node version publishes to
 * the node that holds the partner; this one keeps everything in one process.
 */
export interface Relay {
  join(endpoint: RelayEndpoint): void;
  leave(endpoint: RelayEndpoint): void;
  /** `size` is the frame's size on the wire, for the bound on queued bytes. */
  forward(from: RelayEndpoint, frame: RelayedFrame, size: number): void;
  close(): void;
}

export interface RelayLimits {
  readonly expireTimeoutMs: number;
  /** Messages held for one absent partner. */
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
}

interface PendingQueue {
  readonly sender: RelayEndpoint;
  readonly frames: RelayedFrame[];
  bytes: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * The single-process relay.
 *
 * When the partner is absent, messages wait up to `expireTimeoutMs` and are handed
 * over if it connects in time; otherwise the sender gets `{type:'EXPIRE', src: dst}`,
 * which the stock client reports as `peer-unavailable`. This is how the peerjs-server
 * behaves, and the browser code relies on it to knock on its partner and wait.
 */
export class MemoryRelay implements Relay {
  private readonly endpoints = new Map<string, RelayEndpoint>();
  private readonly pending = new Map<string, PendingQueue>();

  constructor(
    private readonly limits: RelayLimits,
    private readonly log: Logger,
  ) {}

  join(endpoint: RelayEndpoint): void {
    this.endpoints.set(endpoint.peerId, endpoint);
    const queue = this.pending.get(endpoint.peerId);
    if (queue === undefined) {
      return;
    }
    this.dropQueue(endpoint.peerId);
    for (const frame of queue.frames) {
      endpoint.deliver(frame);
    }
  }

  leave(endpoint: RelayEndpoint): void {
    if (this.endpoints.get(endpoint.peerId) === endpoint) {
      this.endpoints.delete(endpoint.peerId);
    }
    const queue = this.pending.get(endpoint.partnerId);
    if (queue?.sender === endpoint) {
      this.dropQueue(endpoint.partnerId);
    }
  }

  forward(from: RelayEndpoint, frame: RelayedFrame, size: number): void {
    const target = this.endpoints.get(frame.dst);
    if (target !== undefined) {
      target.deliver(frame);
      return;
    }
    // A LEAVE for someone who is not there has nothing to tell (peerjs-server drops it too).
    if (frame.type === 'LEAVE') {
      return;
    }
    let queue = this.pending.get(frame.dst);
    if (queue !== undefined && queue.sender !== from) {
      this.dropQueue(frame.dst);
      queue = undefined;
    }
    if (queue === undefined) {
      queue = {
        sender: from,
        frames: [],
        bytes: 0,
        timer: setTimeout(() => this.expire(frame.dst), this.limits.expireTimeoutMs),
      };
      this.pending.set(frame.dst, queue);
    }
    if (
      queue.frames.length >= this.limits.maxQueuedMessages ||
      queue.bytes + size > this.limits.maxQueuedBytes
    ) {
      // The first messages (the offer) are kept; later candidates are dropped, and the
      // sender still learns of the absence through EXPIRE.
      this.log.debug({ type: frame.type }, 'queue for an absent partner is full; dropped');
      return;
    }
    queue.frames.push(frame);
    queue.bytes += size;
  }

  close(): void {
    for (const dst of [...this.pending.keys()]) {
      this.dropQueue(dst);
    }
    this.endpoints.clear();
  }

  private expire(dst: string): void {
    const queue = this.pending.get(dst);
    if (queue === undefined) {
      return;
    }
    this.pending.delete(dst);
    queue.sender.deliver({ type: 'EXPIRE', src: dst });
  }

  private dropQueue(dst: string): void {
    const queue = this.pending.get(dst);
    if (queue !== undefined) {
      clearTimeout(queue.timer);
      this.pending.delete(dst);
    }
  }
}
