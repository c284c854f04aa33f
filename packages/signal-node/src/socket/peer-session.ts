import { ClientMessageSchema, SIGNAL_CLOSE_CODES } from '@bilateral-base/core/protocol';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { TicketClaims } from '../crypto/tickets.js';
import { endSocket, policyEnding, type SocketEnding } from './refusal.js';
import type { OutboundFrame, Relay, RelayEndpoint, RelayedFrame } from './relay.js';
import type { SessionSlots, SlotHolder } from './session-slots.js';
import { TokenBucket } from './token-bucket.js';

export interface PeerSessionLimits {
  readonly messagesPerSecond: number;
  readonly messageBurst: number;
  readonly heartbeatTimeoutMs: number;
  /** Bytes waiting in the socket's send buffer beyond which the socket is closed. */
  readonly maxBufferedBytes: number;
}

const SLOW_RECEIVER: SocketEnding = {
  code: 'BB_ERR_SLOW_RECEIVER',
  message: 'the browser did not read its messages in time',
  notice: 'none',
  closeCode: SIGNAL_CLOSE_CODES.tryAgainLater,
};
/** How long a closed slow socket may take to read what was sent before it is cut. */
const SLOW_RECEIVER_GRACE_MS = 5000;

export interface PeerSessionDeps {
  readonly socket: WebSocket;
  readonly claims: TicketClaims;
  readonly partnerId: string;
  readonly relay: Relay;
  readonly slots: SessionSlots;
  readonly limits: PeerSessionLimits;
  readonly log: Logger;
}

/**
 * One admitted signalling socket: checks every frame, enforces the rate and the
 * heartbeat, and hands valid messages to the relay. It already holds its slot when
 * constructed.
 */
export class PeerSession implements RelayEndpoint, SlotHolder {
  readonly peerId: string;
  readonly partnerId: string;
  private readonly bucket: TokenBucket;
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(private readonly deps: PeerSessionDeps) {
    this.peerId = deps.claims.peerId;
    this.partnerId = deps.partnerId;
    this.bucket = new TokenBucket(deps.limits.messagesPerSecond, deps.limits.messageBurst);
  }

  start(): void {
    const { socket, relay } = this.deps;
    socket.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    socket.on('close', () => this.detach());
    this.heartbeat = setTimeout(
      () => this.onHeartbeatMissed(),
      this.deps.limits.heartbeatTimeoutMs,
    );
    this.deliver({ type: 'OPEN' });
    relay.join(this);
    this.deps.log.info({ role: this.deps.claims.role }, 'peer connected');
  }

  deliver(frame: OutboundFrame): void {
    const { socket, log, limits } = this.deps;
    if (this.ended || socket.readyState !== socket.OPEN) {
      return;
    }
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      // A browser that stops reading must not make the server hold its messages without
      // bound. Dropping one would leave a call half-negotiated, so the socket is closed
      // instead and the browser reconnects (1013, RFC 6455 section 11.7 registry).
      log.warn(
        { code: SLOW_RECEIVER.code, bufferedBytes: socket.bufferedAmount },
        'peer is not reading; socket closed',
      );
      this.end(SLOW_RECEIVER);
      // The close frame waits behind everything unread, so the socket is cut after a
      // grace period instead of ws's 30-second close timeout.
      setTimeout(() => socket.terminate(), SLOW_RECEIVER_GRACE_MS).unref();
      return;
    }
    socket.send(JSON.stringify(frame));
  }

  end(ending: SocketEnding): void {
    if (this.ended) {
      return;
    }
    this.detach();
    this.deps.log.info({ role: this.deps.claims.role, code: ending.code }, 'peer ended');
    endSocket(this.deps.socket, ending);
  }

  /**
   * Gives up the slot and the relay at once, before the close handshake finishes, so a
   * reconnect is not refused while a dead socket waits for its close timeout.
   */
  private detach(): void {
    if (this.ended) {
      return;
    }
    this.ended = true;
    clearTimeout(this.heartbeat);
    this.deps.relay.leave(this);
    this.deps.slots.release(this.deps.claims, this);
  }

  private onHeartbeatMissed(): void {
    this.end({
      code: 'BB_ERR_HEARTBEAT_TIMEOUT',
      message: 'no message within the heartbeat timeout',
      notice: 'none',
      closeCode: SIGNAL_CLOSE_CODES.heartbeatTimeout,
    });
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.ended) {
      return;
    }
    this.heartbeat?.refresh();
    if (!this.bucket.take()) {
      this.end(policyEnding('BB_ERR_RATE_LIMITED', 'too many messages; slow down'));
      return;
    }
    if (isBinary) {
      this.end(policyEnding('BB_ERR_MESSAGE_INVALID', 'binary frames are not accepted'));
      return;
    }
    const text = rawText(data);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.end(policyEnding('BB_ERR_MESSAGE_INVALID', 'the frame is not JSON'));
      return;
    }
    const parsed = ClientMessageSchema.safeParse(json);
    if (!parsed.success) {
      this.end(policyEnding('BB_ERR_MESSAGE_INVALID', 'the message has an unknown shape'));
      return;
    }
    const message = parsed.data;
    if (message.type === 'HEARTBEAT') {
      return;
    }
    if (message.dst !== this.partnerId) {
      this.end(
        policyEnding(
          'BB_ERR_DESTINATION_FORBIDDEN',
          'messages may only go to the other participant of this session',
        ),
      );
      return;
    }
    // Only the fields PeerJS defines travel on, as peerjs-server does; anything else a
    // sender adds at the top level stays here.
    const frame: RelayedFrame =
      'payload' in message
        ? { type: message.type, src: this.peerId, dst: message.dst, payload: message.payload }
        : { type: message.type, src: this.peerId, dst: message.dst };
    this.deps.relay.forward(this, frame, Buffer.byteLength(text));
  }
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) {
    return Buffer.concat(data).toString('utf8');
  }
  if (data instanceof ArrayBuffer) {
    return Buffer.from(data).toString('utf8');
  }
  return data.toString('utf8');
}
