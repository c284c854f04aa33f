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
import { resolveIceServerSet } from './ice-servers.js';
import { TurnRenewal } from './turn-renewal.js';
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
import {
  ConnectionRecovery,
  type InterruptionCause,
  type WatchedPath,
} from './recovery/connection-recovery.js';
import { hardenConnection } from './recovery/harden-connection.js';
import { Heartbeat } from './recovery/heartbeat.js';
import { answerIceRestarts, applyIceServers, offerIceRestart } from './recovery/ice-restart.js';
import { SignalReconnector } from './recovery/signal-reconnector.js';
import { readSecuritySummary, type SecuritySummary } from '../verification/security-summary.js';
import { RecordingConsent, isRecordingMessage } from '../recording/consent.js';

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
  private signal: SignalReconnector | undefined;
  /** Why bb-signal last refused or dropped the socket, for the next reconnect attempt. */
  private lastSignalError: BbError | undefined;
  private readonly heartbeat = new Heartbeat({
    send: () => this.sendControl({ type: 'heartbeat' }),
    onSilent: () => this.recovery.reportSilence(true),
    onAlive: () => this.recovery.reportSilence(false),
  });
  private readonly recovery = new ConnectionRecovery({
    offersRestarts: () => this.role === 'host',
    restart: (paths) => this.restartIce(paths),
    onInterrupted: (cause) => this.onInterrupted(cause),
    onRecovered: () => this.onRecovered(),
    onGiveUp: () => this.onRecoveryGivenUp(),
  });
  /** Keeps bb-signal's TURN credentials fresh for allocations made later in the call. */
  private readonly turnRenewal = new TurnRenewal(() =>
    this.refreshIceServers().catch((error: unknown) => {
      log.warn('TURN credentials not renewed; retrying', {
        code: isBbError(error) ? error.code : 'unknown',
      });
      throw error;
    }),
  );
  /**
   * Local recording with the client's consent: the host's `request()`, the client's
   * `respond()` and `withdraw()`, and `stop()` on either side (see recording/consent.ts).
   */
  readonly recording = new RecordingConsent({
    role: () => this.role,
    link: () => {
      const link = this.shareLink();
      return link && { ...link, local: this.local, remote: this.media.stream };
    },
    onChange: (change) => this.emit('recordingchange', change),
    onFinished: (finished) => this.emit('recordingfinished', finished),
  });

  constructor(options: SessionCallOptions) {
    super();
    this.options = resolveCallOptions(options);
    this.verification = new CallVerification({
      role: this.options.role,
      roomId: this.options.roomId,
      bindingKey: this.options.link.bindingKey,
      frameEncryption: this.options.frameEncryption === 'auto',
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

  /** DTLS and SRTP ciphers of the media connection, the proof, and frame encryption. */
  getSecuritySummary(): Promise<SecuritySummary> {
    const { verified, frameStatus } = this.verification;
    return readSecuritySummary(this.media.peerConnection, verified, frameStatus);
  }

  get localStream(): MediaStream | undefined {
    return this.local;
  }

  get remoteStream(): MediaStream | undefined {
    return this.media.stream;
  }

  /**
   * Whether the socket to bb-signal is open. While it is down the call goes on peer to
   * peer and the socket is retried; see the `signalchange` event.
   */
  get signalConnected(): boolean {
    return this.peer?.open === true;
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
    globalThis.addEventListener?.('pagehide', this.onPageHide);
    try {
      const [{ ticket, iceServers, expiresAt }, certificate] = await Promise.all([
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
        peerConstructorOptions(signalUrl, ticket.ticket, iceServers, relayOnly, certificate, {
          encodedStreams: this.verification.frameTransform === 'encoded-streams',
        }),
      );
      this.peer = peer;
      this.wirePeer(peer);
      this.turnRenewal.schedule(expiresAt);
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
    expiresAt: number | undefined;
  }> {
    const ticket = await obtainTicket(this.options);
    const { servers, expiresAt } = await resolveIceServerSet(this.options, ticket.ticket);
    return { ticket, iceServers: servers, expiresAt };
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
    this.signal = new SignalReconnector(peer, {
      onLost: () => this.emit('signalchange', { connected: false }),
      onRestored: (attempts) => this.emit('signalchange', { connected: true, attempts }),
      beforeAttempt: () => this.prepareReconnect(peer),
      onGiveUp: (error) => this.fail(mapPeerError(error)),
    });
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
    const signalling =
      mapped.code === 'BB_ERR_SIGNAL_UNREACHABLE' || mapped.code === 'BB_ERR_SIGNAL_REFUSED';
    if (signalling && this.signal?.joined === true) {
      // Once joined, a lost socket is retried (SignalReconnector): media and the control
      // channel run peer to peer and do not need it. The refusal, if any, decides how.
      this.lastSignalError = mapped;
      log.warn('signalling error', { code: mapped.code, cause: causeCode(mapped) });
      return;
    }
    if (!signalling && this.state !== 'connecting' && this.state !== 'waiting') {
      // A description or candidate PeerJS could not apply (for example an ICE restart
      // answer that crossed a newer offer). The connections' own states, watched by
      // the recovery and the certificate guards, say whether anything is really wrong.
      log.warn('connection error ignored', { code: mapped.code });
      return;
    }
    this.fail(mapped);
  }

  /**
   * Runs before each signalling reconnect: a restarted bb-signal no longer knows that
   * the client's ticket was in use and refuses it once its first-use window has passed,
   * so the client fetches a fresh one with the link's proof. Any other refusal, and an
   * expired host ticket, ends the retries and the call.
   */
  private async prepareReconnect(peer: Peer): Promise<void> {
    const refusal = this.lastSignalError;
    this.lastSignalError = undefined;
    if (refusal === undefined || refusal.code === 'BB_ERR_SIGNAL_UNREACHABLE') {
      return;
    }
    const serverCode = causeCode(refusal);
    if (serverCode === undefined || serverCode === 'BB_ERR_RATE_LIMITED') {
      // ID-TAKEN: the server still holds our previous socket; it lets go after its
      // heartbeat timeout. Rate limiting passes with time too.
      return;
    }
    if (serverCode === 'BB_ERR_TICKET_EXPIRED' && this.role === 'client') {
      const ticket = await obtainTicket(this.options);
      this.ticket = ticket;
      peer.options.token = ticket.ticket;
      return;
    }
    throw refusal;
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
    hardenConnection(connection, peer);
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
    let decision = decideIncoming(this.role, this.outgoingState());
    if (decision === 'refuse' && this.control !== undefined && this.heartbeat.stale) {
      // The client never dials while its control channel lives, and ours has not heard
      // a beat for a while: its page reloaded (or its tab was replaced) before our side
      // noticed. The new page wins; a crossing dial of the glare race never gets here,
      // since a control channel that just opened is not stale.
      decision = 'accept-and-drop-outgoing';
    }
    log.debug('incoming control connection', { decision, role: this.role });
    if (decision === 'refuse') {
      connection.close();
      return;
    }
    if (decision === 'accept-and-drop-outgoing') {
      this.outgoing?.close();
      this.outgoing = undefined;
      if (this.control !== undefined) {
        // The other side dialled again while we still held a control channel: its old
        // page is gone and this is its new one. Its return is a reconnection.
        const wasLive = this.state === 'connected' || this.state === 'reconnecting';
        this.dropControl();
        this.moveIfAllowed(wasLive ? 'reconnecting' : 'waiting', 'peer-lost');
      }
    }
    this.incoming?.close();
    this.incoming = connection;
    if (this.peer !== undefined) {
      hardenConnection(connection, this.peer);
    }
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
    this.recovery.reset();
    connection.on('data', (data) => this.onControlMessage(connection, data));
    connection.on('close', () => this.onControlClosed(connection));
    connection.on('iceStateChanged', (iceState) => {
      if (this.control === connection) {
        this.recovery.reportIce('control', iceState);
      }
    });
    if (this.role === 'client' && this.peer !== undefined) {
      answerIceRestarts(connection, this.peer);
    }
    this.heartbeat.start();
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
    // The proof covered this channel's certificates; an ICE restart of it later brings
    // new remote descriptions, each of which must name the proven certificate again.
    void this.verification.vet(connection);
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
    this.heartbeat.heard();
    const message = parseControlMessage(data);
    if (message?.type === 'heartbeat') {
      return;
    }
    if (message?.type === 'page-leaving') {
      this.onControlClosed(connection);
      connection.close();
      return;
    }
    if (message?.type === 'hello' || message?.type === 'nonce' || message?.type === 'proof') {
      this.verification.handle(message);
    } else if (message?.type === 'bye') {
      this.finish('peer-left');
    } else if (message !== undefined && isRecordingMessage(message)) {
      this.recording.onControlMessage(message);
    } else if (message !== undefined) {
      this.share.onControlMessage(message);
    }
  }

  private onControlClosed(connection: DataConnection): void {
    if (connection !== this.control || this.isOver) {
      return;
    }
    // Closed without a goodbye: a reload, a closed tab or a lost network. Keep our place
    // on the server so the other participant can come back with the same link; until
    // the return window ends this is `reconnecting`, not a new call.
    const wasLive = this.state === 'connected' || this.state === 'reconnecting';
    this.control = undefined;
    this.heartbeat.stop();
    this.closeMedia();
    if (wasLive) {
      this.recovery.awaitReturn();
    } else {
      this.recovery.reset();
      this.moveIfAllowed('waiting', 'peer-lost');
    }
  }

  private dropControl(): void {
    const control = this.control;
    this.control = undefined;
    this.heartbeat.stop();
    this.turnRenewal.stop();
    this.recovery.reset();
    control?.close();
    this.closeMedia();
  }

  /**
   * The page is unloading without `leave()` (a reload or a closed tab): tell the other
   * side at once, best effort, so it shows the wait for our return instead of
   * discovering the silence five seconds later.
   */
  private readonly onPageHide = (): void => {
    this.sendControl({ type: 'page-leaving' });
  };

  private sendControl(message: ControlMessage): void {
    const control = this.control;
    if (control?.open === true) {
      void control.send(message);
    }
  }

  private onInterrupted(cause: InterruptionCause): void {
    this.moveIfAllowed('reconnecting', cause);
    if (cause !== 'peer-lost') {
      void this.renewIceServers();
    }
  }

  /**
   * Fresh TURN credentials for the connections about to restart ICE: a restart makes
   * new allocations, and the credentials fetched at join may have expired since (they
   * last `turnCredentialTtlSeconds`, ten minutes by default). Both sides renew, since
   * both gather new candidates. Without an answer the restart goes on with the old ones.
   */
  private async renewIceServers(): Promise<void> {
    try {
      this.turnRenewal.schedule(await this.refreshIceServers());
    } catch (error) {
      log.warn('ICE servers not renewed', { code: isBbError(error) ? error.code : 'unknown' });
    }
  }

  /**
   * Fetches ICE servers for this participant's ticket and hands them to the live
   * connections and to the Peer, whose config PeerJS reads for every connection it makes
   * later (a screen share). Resolves to the new credentials' expiry.
   */
  private async refreshIceServers(): Promise<number | undefined> {
    const ticket = this.ticket;
    if (ticket === undefined || this.isOver) {
      return undefined;
    }
    const { servers, expiresAt } = await resolveIceServerSet(this.options, ticket.ticket);
    for (const connection of [this.control, this.media.connection]) {
      applyIceServers(connection?.peerConnection, servers);
    }
    const config = this.peer?.options.config as RTCConfiguration | undefined;
    if (config !== undefined) {
      config.iceServers = servers.map((server) => ({ ...server }));
    }
    return expiresAt;
  }

  private onRecovered(): void {
    if (this.state === 'reconnecting') {
      this.moveTo('connected', 'recovered');
      this.path.probe(this.media.peerConnection);
    }
  }

  /**
   * Recovery failed in time, or the other side did not come back. The session stays
   * open: drop what is left of the connections, wait, and dial the other side in case
   * it is still on the server (a fresh control channel is proven again from scratch).
   */
  private onRecoveryGivenUp(): void {
    if (this.isOver) {
      return;
    }
    this.dropControl();
    this.moveIfAllowed('waiting', 'peer-gone');
    if (this.peer?.open === true) {
      this.dialPartner(this.peer);
    }
  }

  /** The host's side of recovery: a restart on the control and/or the media connection. */
  private async restartIce(paths: readonly WatchedPath[]): Promise<void> {
    const peer = this.peer;
    if (peer === undefined) {
      return;
    }
    const connections = paths
      .map((path) => (path === 'control' ? this.control : this.media.connection))
      .filter((connection) => connection !== undefined);
    await Promise.all(connections.map((connection) => offerIceRestart(connection, peer)));
  }

  private placeCall(): void {
    const peer = this.peer;
    if (peer === undefined || this.local === undefined) {
      return;
    }
    const call = peer.call(this.remotePeerId, this.local);
    hardenConnection(call, peer);
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
    // PeerJS creates an incoming call's RTCPeerConnection only in answer().
    if (this.peer !== undefined) {
      hardenConnection(call, this.peer);
      answerIceRestarts(call, this.peer);
    }
    this.media.watch(call, this.vetConnection(call));
  }

  private onMediaIceState(iceState: RTCIceConnectionState): void {
    if (this.isOver) {
      return;
    }
    if (iceState === 'connected' || iceState === 'completed') {
      this.path.probe(this.media.peerConnection);
    }
    // `failed` no longer ends the call: the recovery restarts ICE, and gives the
    // connection up only when that does not work in time.
    this.recovery.reportIce('media', iceState);
  }

  private closeMedia(): void {
    this.recording.reset('connection-lost');
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
    this.recording.reset('call-ended');
    globalThis.removeEventListener?.('pagehide', this.onPageHide);
    this.opening.open();
    this.signal?.stop();
    this.heartbeat.stop();
    this.turnRenewal.stop();
    this.recovery.reset();
    this.closeMedia();
    this.verification.close();
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

/** The code bb-signal gave for a refusal, when the error carries one. */
function causeCode(error: BbError): string | undefined {
  return isBbError(error.cause) ? error.cause.code : undefined;
}
