import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@bilateral-base/core/errors';
import { SIGNAL_CLOSE_CODES } from '@bilateral-base/core/protocol';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SignalConfig } from '../config/options.js';
import { derivePeerId, otherRole } from '../crypto/peer-id.js';
import type { TicketSigner } from '../crypto/tickets.js';
import type { OriginPolicy } from '../origin-policy.js';
import type { RoomRegistry } from '../storage/room-registry.js';
import { addressKey, AddressLimiter } from './address-limiter.js';
import { admit, type Admission } from './admission.js';
import { PeerSession } from './peer-session.js';
import { endSocket, policyEnding, type SocketEnding } from './refusal.js';
import type { Relay } from './relay.js';
import type { SessionSlots } from './session-slots.js';

export interface SocketServerDeps {
  readonly config: Pick<
    SignalConfig,
    | 'path'
    | 'peerKey'
    | 'maxFrameBytes'
    | 'messagesPerSecond'
    | 'messageBurst'
    | 'connectionsPerAddress'
    | 'heartbeatTimeoutMs'
    | 'maxBufferedBytes'
    | 'now'
  >;
  readonly signer: TicketSigner;
  readonly peerIdSecret: Uint8Array;
  readonly registry: RoomRegistry;
  readonly slots: SessionSlots;
  readonly relay: Relay;
  readonly origins: OriginPolicy;
  readonly log: Logger;
}

const SHUTDOWN: SocketEnding = {
  code: 'BB_ERR_SERVER_SHUTTING_DOWN',
  message: 'the server is shutting down',
  notice: 'none',
  closeCode: SIGNAL_CLOSE_CODES.goingAway,
};

/** How long `close()` waits at most for browsers to finish the close handshake. */
const CLOSE_GRACE_MS = 2000;
const SWEEP_INTERVAL_MS = 60_000;
/** RFC 6455 section 7.4.1: the server met an unexpected condition. */
const INTERNAL_ERROR_CLOSE = 1011;

/**
 * The PeerJS WebSocket endpoint at `<path>peerjs`, on the HTTP server's `upgrade`
 * event. Refusals that need no ticket (wrong path, Origin, too many sockets) are HTTP
 * answers before the upgrade; ticket refusals happen after it, as PeerJS messages, so
 * the stock client reports them instead of a bare network error.
 */
export class SignalSocketServer {
  private readonly wss: WebSocketServer;
  private readonly endpointPath: string;
  private readonly addresses: AddressLimiter;
  private readonly sockets = new Set<WebSocket>();
  private readonly sessions = new WeakMap<WebSocket, PeerSession>();
  private readonly pending = new Set<Duplex>();
  private readonly sweeper: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: SocketServerDeps) {
    this.endpointPath = `${deps.config.path}peerjs`;
    this.addresses = new AddressLimiter(deps.config.connectionsPerAddress);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.config.maxFrameBytes,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.sweeper = setInterval(() => deps.slots.sweep(deps.config.now()), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Handler for `http.Server`'s `upgrade` event. */
  readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    this.upgrade(request, socket, head).catch((error: unknown) => {
      this.deps.log.error({ err: describe(error) }, 'upgrade failed');
      rejectUpgrade(socket, 500, 'BB_ERR_INTERNAL', 'The server failed unexpectedly');
    });
  };

  /** Ends the live sockets of a revoked room. */
  closeRoom(roomId: string): number {
    const holders = this.deps.slots.revokeRoom(roomId);
    for (const holder of holders) {
      holder.end(policyEnding('BB_ERR_ROOM_UNKNOWN', 'the session link was revoked'));
    }
    return holders.length;
  }

  /** From now on every upgrade is refused with 503 `BB_ERR_SERVER_SHUTTING_DOWN`. */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Live admitted sockets, for shutdown logs. */
  get liveSockets(): number {
    return this.sockets.size;
  }

  /**
   * Refuses new upgrades, ends every socket with 1001 (the stock client reports a lost
   * connection and may reconnect elsewhere), waits up to `graceMs` for the close
   * handshakes, then cuts what is left.
   */
  async close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    for (const socket of this.pending) {
      socket.destroy();
    }
    const closed = [...this.sockets].map((ws) => {
      const done = new Promise<void>((resolve) => {
        if (ws.readyState === ws.CLOSED) {
          resolve();
        } else {
          ws.once('close', () => resolve());
        }
      });
      const session = this.sessions.get(ws);
      if (session) {
        session.end(SHUTDOWN);
      } else {
        endSocket(ws, SHUTDOWN);
      }
      return done;
    });
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(graceMs, CLOSE_GRACE_MS));
    });
    await Promise.race([Promise.all(closed), grace]);
    clearTimeout(timer);
    for (const ws of this.sockets) {
      ws.terminate();
    }
    this.deps.relay.close();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { log, origins } = this.deps;
    if (this.closing) {
      rejectUpgrade(socket, 503, 'BB_ERR_SERVER_SHUTTING_DOWN', 'The server is shutting down');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://bb-signal.invalid');
    if (url.pathname !== this.endpointPath) {
      rejectUpgrade(socket, 404, 'BB_ERR_NOT_FOUND', 'No WebSocket endpoint at this path');
      return;
    }
    if (origins.judge(request.headers.origin) === 'forbidden') {
      log.info({ code: 'BB_ERR_ORIGIN_FORBIDDEN' }, 'upgrade refused');
      rejectUpgrade(socket, 403, 'BB_ERR_ORIGIN_FORBIDDEN', 'This Origin may not connect');
      return;
    }
    const address = addressKey(request.socket.remoteAddress ?? 'unknown');
    if (!this.addresses.acquire(address)) {
      log.warn({ code: 'BB_ERR_TOO_MANY_CONNECTIONS' }, 'upgrade refused');
      rejectUpgrade(socket, 429, 'BB_ERR_TOO_MANY_CONNECTIONS', 'Too many connections');
      return;
    }
    socket.once('close', () => this.addresses.release(address));
    this.pending.add(socket);
    let admission: Admission;
    try {
      admission = await admit(url.searchParams, {
        peerKey: this.deps.config.peerKey,
        signer: this.deps.signer,
        registry: this.deps.registry,
      });
    } finally {
      this.pending.delete(socket);
    }
    if (this.closing || socket.destroyed) {
      socket.destroy();
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onSocket(ws, admission));
  }

  private onSocket(ws: WebSocket, admission: Admission): void {
    try {
      this.admitSocket(ws, admission);
    } catch (error) {
      this.deps.log.error({ err: describe(error) }, 'socket setup failed');
      endSocket(ws, {
        code: 'BB_ERR_INTERNAL',
        message: 'the server failed unexpectedly',
        notice: 'error',
        closeCode: INTERNAL_ERROR_CLOSE,
      });
    }
  }

  private admitSocket(ws: WebSocket, admission: Admission): void {
    const { log, slots, config } = this.deps;
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', (error: Error & { code?: string }) => {
      // ws closes the socket itself after a protocol error (1009 for an oversized frame).
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        log.info({ code: 'BB_ERR_FRAME_TOO_LARGE' }, 'socket closed');
      } else {
        log.info({ err: describe(error) }, 'socket error');
      }
    });
    if (!admission.ok) {
      log.info({ code: admission.ending.code }, 'socket refused');
      endSocket(ws, admission.ending);
      return;
    }
    const { claims } = admission;
    const session = new PeerSession({
      socket: ws,
      claims,
      partnerId: derivePeerId(this.deps.peerIdSecret, claims.roomId, otherRole(claims.role)),
      relay: this.deps.relay,
      slots,
      limits: {
        messagesPerSecond: config.messagesPerSecond,
        messageBurst: config.messageBurst,
        heartbeatTimeoutMs: config.heartbeatTimeoutMs,
        maxBufferedBytes: config.maxBufferedBytes,
      },
      log,
    });
    const claim = slots.claim(claims, session, config.now());
    if (!claim.ok) {
      log.info({ code: claim.ending.code, role: claims.role }, 'socket refused');
      endSocket(ws, claim.ending);
      return;
    }
    this.sessions.set(ws, session);
    session.start();
  }
}

/** Answers an upgrade request with a plain HTTP error and a JSON ErrorResponse body. */
function rejectUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      '\r\n' +
      body,
  );
}

/** An error's class and message only: never a stack or an object that may hold a URL. */
export function describe(error: unknown): { type: string; message: string } {
  if (error instanceof Error) {
    return { type: error.name, message: error.message };
  }
  return { type: typeof error, message: 'non-error thrown' };
}
