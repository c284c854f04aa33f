import { BbError } from '../errors/index.js';

/**
 * The PeerJS server key. PeerJS puts it in the socket URL; bb-signal, like the stock
 * PeerServer, expects the value `peerjs`.
 */
export const PEERJS_KEY = 'peerjs';

/** Where PeerJS connects, derived from the signalling server's HTTP base URL. */
export interface SignalEndpoint {
  readonly host: string;
  readonly port: number;
  /** Always starts and ends with `/`; PeerJS appends `peerjs` for the socket. */
  readonly path: string;
  readonly secure: boolean;
  readonly key: string;
}

/** Every option a Peer is created with; none is left to PeerJS's defaults. */
export interface PeerConstructorOptions extends SignalEndpoint {
  readonly token: string;
  readonly config: RTCConfiguration;
  readonly debug: 0;
}

/**
 * Parses `signalUrl` (for example `https://signal.example/` or
 * `https://practice.example/bb/`) into the endpoint PeerJS needs.
 *
 * Every field is explicit because PeerJS fills any missing one with its public cloud
 * (`0.peerjs.com:443`) and guesses `secure` from the page.
 */
export function signalEndpoint(signalUrl: string): SignalEndpoint {
  let url: URL;
  try {
    url = new URL(signalUrl);
  } catch (cause) {
    throw new BbError('BB_ERR_INVALID_ARGUMENT', 'options.signalUrl is not an absolute URL', {
      cause,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BbError('BB_ERR_INVALID_ARGUMENT', 'options.signalUrl must be an http(s) URL');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new BbError(
      'BB_ERR_INVALID_ARGUMENT',
      'options.signalUrl must not carry credentials, a query or a fragment',
    );
  }
  const secure = url.protocol === 'https:';
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return {
    host: url.hostname,
    port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
    path,
    secure,
    key: PEERJS_KEY,
  };
}

/** The HTTP base of the API, always ending in `/` so relative routes resolve under it. */
export function signalApiUrl(signalUrl: string, route: string): string {
  const { secure, host, port, path } = signalEndpoint(signalUrl);
  const base = `${secure ? 'https' : 'http'}://${host}:${port}${path}`;
  return new URL(route, base).href;
}

/**
 * The complete PeerJS options for one participant. PeerJS uses `config` as the
 * RTCConfiguration of every connection instead of its defaults, so the policy applies
 * to the control channel and the media call alike.
 */
export function peerConstructorOptions(
  signalUrl: string,
  ticket: string,
  iceServers: readonly RTCIceServer[],
  relayOnly = false,
  certificate?: RTCCertificate,
  frames: { readonly encodedStreams: boolean } = { encodedStreams: false },
): PeerConstructorOptions {
  return {
    ...signalEndpoint(signalUrl),
    token: ticket,
    config: {
      // An empty list is deliberate: without STUN or TURN servers of the integrator's
      // own, peers use host candidates only, and nothing is sent to third parties.
      iceServers: iceServers.map((server) => ({ ...server })),
      // 'relay' makes the browser gather, offer and use relay candidates only, so no
      // host or server-reflexive address reaches the other side (W3C webrtc-pc 4.2.5).
      iceTransportPolicy: relayOnly ? 'relay' : 'all',
      // One certificate for every connection, so every connection shows the fingerprint
      // the control channel proved (W3C webrtc-pc 4.2.1, `certificates`).
      ...(certificate === undefined ? {} : { certificates: [certificate] }),
      // Chromium's older encoded-streams API works only on connections created with this
      // flag (not in the W3C dictionary); the standard RTCRtpScriptTransform needs nothing.
      ...(frames.encodedStreams ? { encodedInsertableStreams: true } : {}),
    },
    debug: 0,
  };
}
