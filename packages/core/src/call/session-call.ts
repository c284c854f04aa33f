import type { DataConnection, MediaConnection, Peer } from 'peerjs';
import { BbError, isBbError } from '../errors/index.js';
import { createLogger } from '../log/index.js';
import { openLocalMedia, setTracksEnabled, stopStream, tracksEnabled } from '../media/index.js';
import type { Role, TicketResponse } from '../protocol/index.js';
import { ConnectionPathProbe, type ConnectionPath } from './connection-path.js';
import { CONTROL_LABEL, parseControlMessage, type ControlMessage } from './control-channel.js';
import { isPeerUnavailable, mapPeerError } from './error-mapping.js';
import type { CallEndReason, CallStateReason } from './events.js';
import { drainThenClose } from './drain.js';
import { decideIncoming, type OutgoingState } from './glare.js';
import { resolveIceServers } from './ice-servers.js';
import { OpenWaiter } from './open-waiter.js';
import {
  resolveCallOptions,
  type ResolvedCallOptions,
  type SessionCallOptions,
} from './options.js';
import { peerConstructorOptions } from './peer-options.js';
import { loadPeerConstructor } from './peer-loader.js';
import { RemoteMedia } from './remote-media.js';
import { isScreenCall, type ShareLink } from './screen-share.js';
import { ScreenSharingCall } from './screen-sharing-call.js';
import { CallStateMachine, canTransition, isFinalState, type CallState } from './state-machine.js';
import { obtainTicket } from './ticket.js';
import { CallVerification } from '../verification/call-verification.js';
import { readSecuritySummary, type SecuritySummary } from '../verification/security-summary.js';

/** How long the signalling socket may take to open before the server counts as unreachable. */
export const SIGNAL_OPEN_TIMEOUT_MS = 20_000;

const log = createLogger('core:call');

/**
 * Joins one session of two participants, the host and the client, through bb-signal.
 *
 * Meeting protocol. Each side learns both peer ids from its ticket, so nobody has to
 * announce itself. As soon as its signalling socket is open, each side dials the other's
 * id with a reliable JSON DataConnection, the control channel. If the other is absent the
 * server holds the offer for a few seconds and then answers EXPIRE (PeerJS error
 * `peer-unavailable`); this side then drops its attempt, goes to `waiting` and lets the
 * other dial it on arrival. When both dial at once, the host's connection wins (see
 * `decideIncoming`). Once the control channel is open the call is `verifying`: both
 * sides prove over it that they hold the link's binding key and see the same DTLS
 * certificates (see verification/). Only then does the host place the media call and the
 * client answer it, and every media connection must present the proven certificate.
 */
export class SessionCall extends ScreenSharingCall {
  private readonly options: ResolvedCallOptions;
  private readonly machine = new CallStateMachine();
  private ticket: TicketResponse | undefined;
  private peer: Peer | undefined;
  private local: MediaStream | undefined;
  private ownsLocalStream = false;
  private outgoing: DataConnection | undefined;
  private incoming: DataConnection | undefined;
  private control: DataConnection | undefined;
  private readonly media = new RemoteMedia({
    onStream: (stream) => this.emit('remotestream', { stream }),
    onIceState: (state) => this.onMediaIceState(state),
  });
  private readonly path = new ConnectionPathProbe((path) => this.emit('connectionpath', { path }));
  private microphoneWanted = true;
  private cameraWanted = true;
  private readonly opening = new OpenWaiter();
  private readonly verification: CallVerification;

  constructor(options: SessionCallOptions) {
    super();
    this.options = resolveCallOptions(options);
    this.verification = new CallVerification({
      role: this.options.role,
      roomId: this.options.roomId,
      bindingKey: this.options.link.bindingKey,
      onViolation: (error) => this.fail(error),
    });
  }

  get state(): CallState {
    return this.machine.state;
  }

  get role(): Role {
    return this.options.role;
  }

  get roomId(): string {
    return this.options.roomId;
  }

  /** Whether this call was asked to use a TURN relay only (`options.relayOnly`). */
  get relayOnly(): boolean {
    return this.options.relayOnly;
  }

  /**
   * How the current media connection travels, from its selected ICE candidate pair:
   * `relayed` or `direct`; undefined while there is none. See `connectionpath`.
   */
  get connectionPath(): ConnectionPath | undefined {
    return this.path.path;
  }

  /** Six digits to read aloud and compare, once verified; undefined before. */
  get safetyCode(): string | undefined {
    return this.verification.safetyCode;
  }

  /** DTLS and SRTP ciphers of the media connection, and whether the proof passed. */
  getSecuritySummary(): Promise<SecuritySummary> {
    return readSecuritySummary(this.media.peerConnection, this.verification.verified);
  }

  get localStream(): MediaStream | undefined {
    return this.local;
  }

  get remoteStream(): MediaStream | undefined {
    return this.media.stream;
  }

  /** Whether the microphone is sending; false while muted or before there is a stream. */
  get microphoneEnabled(): boolean {
    return this.local === undefined ? this.microphoneWanted : tracksEnabled(this.local, 'audio');
  }

  get cameraEnabled(): boolean {
    return this.local === undefined ? this.cameraWanted : tracksEnabled(this.local, 'video');
  }

  /**
   * Gets a ticket and the local media, then connects to the signalling server. Resolves
   * once this participant is registered there (the state is then `connecting`, `waiting`
   * or later); follow `statechange` for the rest. Rejects with a `BbError` and leaves the
   * call `failed`, with every device and connection released, if it cannot get that far.
   */
  async join(): Promise<void> {
    if (this.state !== 'idle') {
      throw new BbError('BB_ERR_CALL_STATE', 'join() may be called once, on an idle call');
    }
    this.moveTo('connecting', 'join');
    try {
      const [{ ticket, iceServers }, certificate] = await Promise.all([
        this.obtainTicketAndServers(),
        this.verification.prepare(),
        this.obtainLocalStream(),
      ]);
      const PeerConstructor = await loadPeerConstructor();
      if (this.isOver) {
        return;
      }
      this.ticket = ticket;
      const { signalUrl, relayOnly } = this.options;
      const peer = new PeerConstructor(
        ticket.peerId,
        peerConstructorOptions(signalUrl, ticket.ticket, iceServers, relayOnly, certificate),
      );
      this.peer = peer;
      this.wirePeer(peer);
      await this.opening.wait(SIGNAL_OPEN_TIMEOUT_MS, () =>
        this.fail(
          new BbError('BB_ERR_SIGNAL_UNREACHABLE', 'The signalling server did not answer in time'),
        ),
      );
    } catch (error) {
      const failure = isBbError(error)
        ? error
        : new BbError('BB_ERR_PEER_CONNECTION_FAILED', 'Joining failed', { cause: error });
      this.fail(failure);
      if (this.machine.state === 'failed') {
        throw failure;
      }
    }
  }

  /**
   * Leaves the session: says goodbye over the control channel so the other side ends
   * with `peer-left`, closes every connection, and stops the tracks this call opened.
   * Safe to call in any state; does nothing once the call is over.
   */
  leave(): void {
    if (this.isOver) {
      return;
    }
    const control = this.control;
    if (control?.open === true) {
      const bye: ControlMessage = { type: 'bye' };
      void control.send(bye);
    }
    this.control = undefined;
    this.teardown(control);
    this.moveTo('ended', 'local-leave');
    this.emit('ended', { reason: 'local-leave' });
  }

  /** Mutes or unmutes the microphone (track.enabled). Returns the resulting state. */
  setMicrophoneEnabled(enabled: boolean): boolean {
    if (typeof enabled !== 'boolean') {
      throw new TypeError('setMicrophoneEnabled: enabled must be a boolean');
    }
    this.microphoneWanted = enabled;
    setTracksEnabled(this.local, 'audio', enabled);
    this.emitMediaState();
    return this.microphoneEnabled;
  }

  /** Turns the camera off (black frames) or on again. Returns the resulting state. */
  setCameraEnabled(enabled: boolean): boolean {
    if (typeof enabled !== 'boolean') {
      throw new TypeError('setCameraEnabled: enabled must be a boolean');
    }
    this.cameraWanted = enabled;
    setTracksEnabled(this.local, 'video', enabled);
    this.emitMediaState();
    return this.cameraEnabled;
  }

  protected shareLink(): ShareLink | undefined {
    const { peer, control, role } = this;
    const live = this.state === 'connected' || this.state === 'reconnecting';
    if (!live || peer === undefined || control === undefined) {
      return undefined;
    }
    const send = (message: ControlMessage) => void control.send(message);
    return { peer, remotePeerId: this.remotePeerId, role, send };
  }

  private get isOver(): boolean {
    return isFinalState(this.state);
  }

  private get remotePeerId(): string {
    return (this.ticket as TicketResponse).remotePeerId;
  }

  /** The ticket, then the ICE servers bb-signal gives for it (TURN needs the ticket). */
  private async obtainTicketAndServers(): Promise<{
    ticket: TicketResponse;
    iceServers: readonly RTCIceServer[];
  }> {
    const ticket = await obtainTicket(this.options);
    return { ticket, iceServers: await resolveIceServers(this.options, ticket.ticket) };
  }

  private async obtainLocalStream(): Promise<void> {
    const given = this.options.localStream;
    const stream = given ?? (await openLocalMedia());
    if (this.isOver) {
      if (given === undefined) {
        stopStream(stream);
      }
      return;
    }
    this.local = stream;
    this.ownsLocalStream = given === undefined;
    setTracksEnabled(stream, 'audio', this.microphoneWanted);
    setTracksEnabled(stream, 'video', this.cameraWanted);
    this.emit('localstream', { stream });
  }

  private wirePeer(peer: Peer): void {
    peer.on('open', () => {
      log.info('signalling open', { role: this.role });
      this.opening.open();
      this.dialPartner(peer);
    });
    peer.on('error', (error) => this.onPeerError(error));
    peer.on('connection', (connection) => this.onIncomingControl(connection));
    peer.on('call', (call) => this.onIncomingCall(call));
  }

  private onPeerError(error: unknown): void {
    if (this.isOver) {
      return;
    }
    if (isPeerUnavailable(error)) {
      // EXPIRE: the other participant is not connected. Only our control attempt can
      // have expired, since media is never offered before the control channel opens.
      this.outgoing?.close();
      this.outgoing = undefined;
      if (this.control === undefined && this.incoming === undefined) {
        this.moveIfAllowed('waiting', 'peer-unavailable');
      }
      return;
    }
    const mapped = mapPeerError(error);
    const established = this.state === 'connected' || this.state === 'reconnecting';
    if (established && mapped.code === 'BB_ERR_SIGNAL_UNREACHABLE') {
      // Media and the control channel run peer to peer and survive the signalling
      // socket. Reconnecting the socket after a server restart is not implemented yet,
      // so a later media renegotiation would fail until the call is joined again.
      log.warn('signalling lost during the call', { code: mapped.code });
      return;
    }
    this.fail(mapped);
  }

  private dialPartner(peer: Peer): void {
    if (this.isOver || this.control !== undefined || this.incoming !== undefined) {
      return;
    }
    const connection = peer.connect(this.remotePeerId, {
      label: CONTROL_LABEL,
      serialization: 'json',
      reliable: true,
    });
    this.outgoing = connection;
    this.verification.capture(connection);
    connection.on('open', () => {
      if (this.outgoing === connection) {
        this.outgoing = undefined;
        this.adoptControl(connection);
      }
    });
    connection.on('error', () => {
      if (this.outgoing === connection) {
        this.outgoing = undefined;
        connection.close();
        this.moveIfAllowed('waiting', 'peer-unavailable');
      }
    });
  }

  private outgoingState(): OutgoingState {
    if (this.control !== undefined) {
      return 'open';
    }
    return this.outgoing === undefined ? 'none' : 'pending';
  }

  private onIncomingControl(connection: DataConnection): void {
    const expected =
      connection.peer === this.remotePeerId &&
      connection.label === CONTROL_LABEL &&
      connection.serialization === 'json';
    if (this.isOver || !expected) {
      connection.close();
      return;
    }
    const decision = decideIncoming(this.role, this.outgoingState());
    log.debug('incoming control connection', { decision, role: this.role });
    if (decision === 'refuse') {
      connection.close();
      return;
    }
    if (decision === 'accept-and-drop-outgoing') {
      this.outgoing?.close();
      this.outgoing = undefined;
      if (this.control !== undefined) {
        // The host dialled again while we still held a control channel: its old page
        // is gone and this is its new one.
        this.dropControl();
        this.moveIfAllowed('waiting', 'peer-lost');
      }
    }
    this.incoming?.close();
    this.incoming = connection;
    this.verification.capture(connection);
    this.moveIfAllowed('connecting', 'peer-arrived');
    connection.on('open', () => {
      if (this.incoming === connection) {
        this.incoming = undefined;
        this.adoptControl(connection);
      }
    });
    connection.on('error', () => {
      if (this.incoming === connection) {
        this.incoming = undefined;
        connection.close();
        this.moveIfAllowed('waiting', 'peer-lost');
      }
    });
  }

  private adoptControl(connection: DataConnection): void {
    if (this.isOver || !canTransition(this.state, 'verifying')) {
      connection.close();
      return;
    }
    this.control = connection;
    connection.on('data', (data) => this.onControlMessage(connection, data));
    connection.on('close', () => this.onControlClosed(connection));
    this.moveTo('verifying', 'control-open');
    this.verification.begin(connection).then(
      ({ safetyCode }) => this.onVerified(connection, safetyCode),
      (error: BbError) => this.control === connection && this.fail(error),
    );
  }

  private onVerified(connection: DataConnection, safetyCode: string): void {
    if (this.control !== connection || this.state !== 'verifying') {
      return;
    }
    this.emit('verified', { safetyCode });
    this.moveTo('connected', 'verified');
    if (this.role === 'host') {
      this.placeCall();
    } else {
      const held = this.media.takeHeld();
      if (held !== undefined) {
        this.answerCall(held);
      }
    }
  }

  private onControlMessage(connection: DataConnection, data: unknown): void {
    if (connection !== this.control || this.isOver) {
      return;
    }
    const message = parseControlMessage(data);
    if (message?.type === 'hello' || message?.type === 'nonce' || message?.type === 'proof') {
      this.verification.handle(message);
    } else if (message?.type === 'bye') {
      this.finish('peer-left');
    } else if (message !== undefined) {
      this.share.onControlMessage(message);
    }
  }

  private onControlClosed(connection: DataConnection): void {
    if (connection !== this.control || this.isOver) {
      return;
    }
    // Closed without a goodbye: a closed tab or a lost network. Keep our place on the
    // server so the other participant can come back with the same link.
    this.control = undefined;
    this.closeMedia();
    this.moveIfAllowed('waiting', 'peer-lost');
  }

  private dropControl(): void {
    const control = this.control;
    this.control = undefined;
    control?.close();
    this.closeMedia();
  }

  private placeCall(): void {
    const peer = this.peer;
    if (peer === undefined || this.local === undefined) {
      return;
    }
    const call = peer.call(this.remotePeerId, this.local);
    this.media.watch(call, this.vetConnection(call));
  }

  protected vetConnection(call: MediaConnection): Promise<boolean> {
    return this.verification.vet(call);
  }

  private onIncomingCall(call: MediaConnection): void {
    if (isScreenCall(call)) {
      this.acceptScreenCall(call);
      return;
    }
    // Only the host places camera calls, and only to its partner.
    if (this.isOver || this.role !== 'client' || call.peer !== this.remotePeerId) {
      call.close();
      return;
    }
    if (this.state === 'connected' || this.state === 'reconnecting') {
      this.answerCall(call);
      return;
    }
    // The offer travelled through the server faster than our control channel's `open`
    // event fired; answer it once the control channel is ours.
    this.media.hold(call);
  }

  private answerCall(call: MediaConnection): void {
    call.answer(this.local);
    this.media.watch(call, this.vetConnection(call));
  }

  private onMediaIceState(iceState: RTCIceConnectionState): void {
    if (this.isOver) {
      return;
    }
    if (iceState === 'disconnected') {
      this.moveIfAllowed('reconnecting', 'ice-disconnected');
    } else if (iceState === 'connected' || iceState === 'completed') {
      this.path.probe(this.media.peerConnection);
      if (this.state === 'reconnecting') {
        this.moveTo('connected', 'ice-restored');
      }
    } else if (iceState === 'failed') {
      this.fail(
        new BbError(
          'BB_ERR_PEER_CONNECTION_FAILED',
          'The media connection to the other side failed',
        ),
      );
    }
  }

  private closeMedia(): void {
    this.verification.reset();
    this.share.reset();
    this.media.close();
    this.path.reset();
  }

  private finish(reason: CallEndReason): void {
    if (this.isOver) {
      return;
    }
    this.teardown(this.control);
    this.control = undefined;
    this.moveTo('ended', reason);
    this.emit('ended', { reason });
  }

  private fail(error: BbError): void {
    if (this.isOver) {
      return;
    }
    this.opening.fail(error);
    const control = this.control;
    this.control = undefined;
    this.teardown(control);
    this.moveTo('failed', error.code);
    this.emit('error', error);
  }

  /**
   * Releases everything. The control channel and the Peer are closed only after the
   * goodbye has drained (see `drainThenClose`).
   */
  private teardown(control: DataConnection | undefined): void {
    this.opening.open();
    this.closeMedia();
    this.outgoing?.close();
    this.outgoing = undefined;
    this.incoming?.close();
    this.incoming = undefined;
    if (this.ownsLocalStream) {
      stopStream(this.local);
    }
    const peer = this.peer;
    this.peer = undefined;
    void drainThenClose(control).then(() => peer?.destroy());
  }

  private emitMediaState(): void {
    this.emit('mediastatechange', {
      microphoneEnabled: this.microphoneEnabled,
      cameraEnabled: this.cameraEnabled,
    });
  }

  private moveIfAllowed(next: CallState, reason: CallStateReason): void {
    if (canTransition(this.state, next)) {
      this.moveTo(next, reason);
    }
  }

  private moveTo(next: CallState, reason: CallStateReason): void {
    const previous = this.machine.transition(next);
    log.info('state', { state: next, previous, reason });
    this.emit('statechange', { state: next, previous, reason });
  }
}
