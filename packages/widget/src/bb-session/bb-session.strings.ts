import type { CallState, CallStateReason, ErrorCode } from '@bilateral-base/core';
import {
  DEFAULT_RECORDING_STRINGS,
  type RecordingStrings,
} from './bb-session.recording-strings.js';

/** Every text `<bb-session>` shows or announces. Replace any of them through `strings`. */
export interface BbSessionStrings extends RecordingStrings {
  readonly status: Readonly<Record<CallState, string>>;
  readonly reasons: ReasonStrings;
  readonly errorPermissionDenied: string;
  readonly errorMediaUnavailable: string;
  readonly errorSignal: string;
  readonly errorLink: string;
  readonly errorGeneric: string;
  readonly errorRelayUnavailable: string;
  /** The relay indicator with `relay-only`: this side's address is hidden. */
  readonly relayedAddressHidden: string;
  /** The relay indicator without `relay-only`: relayed, but addresses were exchanged. */
  readonly relayed: string;
  readonly muteMicrophone: string;
  readonly turnOffCamera: string;
  readonly leave: string;
  readonly controls: string;
  readonly remoteVideo: string;
  readonly selfView: string;
  /** Opens the browser's picker for a tab, window or screen. */
  readonly shareScreen: string;
  /** Shares only the element the page set as `shareElement`. */
  readonly sharePartOfPage: string;
  readonly pauseShare: string;
  readonly stopShare: string;
  /** Label and caption of the sharer's preview. */
  readonly sharePreview: string;
  readonly sharePausedPreview: string;
  readonly remoteScreen: string;
  /** Shown over the other person's share while they have paused it. */
  readonly sharePausedByOther: string;
  readonly fillView: string;
  readonly fullScreen: string;
  /** The host's button that stops the client's share. */
  readonly stopRemoteShare: string;
  readonly shareBusy: string;
  readonly shareUnsupported: string;
  readonly shareFailed: string;
  /** The call ended because the other side's certificate could not be verified. */
  readonly errorVerification: string;
  /** Names the safety code. */
  readonly safetyCodeLabel: string;
  /** Says what to do with the safety code. */
  readonly safetyCodeExplanation: string;
  /** The security summary's words for a verified connection and for frame encryption. */
  readonly summaryVerified: string;
  readonly summaryFrameEncryption: Readonly<Record<'on' | 'off' | 'unsupported', string>>;
  /** Said in full when either browser cannot encrypt frames end to end. */
  readonly frameEncryptionUnsupported: string;
}

/** Status lines that say why, for the reasons a person should hear about. */
export type ReasonStrings = Readonly<
  Record<'interrupted' | 'peerLost' | 'peerGone' | 'signalLost', string>
>;

/** A partial override: only the keys given replace the defaults, `status` key by key. */
export type BbSessionStringsOverride = Partial<
  Omit<BbSessionStrings, 'status' | 'reasons' | 'summaryFrameEncryption'>
> & {
  readonly status?: Partial<Record<CallState, string>>;
  readonly reasons?: Partial<ReasonStrings>;
  readonly summaryFrameEncryption?: Partial<BbSessionStrings['summaryFrameEncryption']>;
};

export const DEFAULT_STRINGS: BbSessionStrings = Object.freeze({
  ...DEFAULT_RECORDING_STRINGS,
  status: Object.freeze({
    idle: 'Getting ready…',
    connecting: 'Connecting…',
    waiting: 'Waiting for the other person to join',
    verifying: 'Securing the connection…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    ended: 'The session has ended',
    failed: 'The session could not start or continue',
  }),
  reasons: Object.freeze({
    interrupted: 'The connection dropped. Reconnecting…',
    peerLost: 'The other person’s connection dropped. Waiting for them to come back…',
    peerGone:
      'The other person has left or lost their connection. They can rejoin with the same link.',
    signalLost: 'The session service cannot be reached. Your call continues; reconnecting…',
  }),
  errorPermissionDenied:
    'Camera or microphone access was denied. Allow access in your browser and reload the page.',
  errorMediaUnavailable:
    'No camera or microphone could be opened. Check that they are connected and not in use.',
  errorSignal: 'The session service could not be reached or refused this link. Try again later.',
  errorLink: 'This session link is incomplete. Open the full link you were sent.',
  errorGeneric: 'The connection to the other person failed.',
  errorRelayUnavailable:
    'A private connection through the relay server is not available. Try again later.',
  relayedAddressHidden: 'Relayed: your network address is hidden from the other person',
  relayed: 'Relayed through the relay server',
  muteMicrophone: 'Mute microphone',
  turnOffCamera: 'Turn off camera',
  leave: 'Leave session',
  controls: 'Session controls',
  remoteVideo: 'The other person',
  selfView: 'Your camera',
  shareScreen: 'Share screen',
  sharePartOfPage: 'Share a part of this page',
  pauseShare: 'Pause sharing',
  stopShare: 'Stop sharing',
  sharePreview: 'What the other person sees',
  sharePausedPreview: 'Paused: the other person sees nothing new',
  remoteScreen: "The other person's shared screen",
  sharePausedByOther: 'Paused by the other person',
  fillView: 'Fill the view',
  fullScreen: 'Full screen',
  stopRemoteShare: 'Stop their sharing',
  shareBusy: 'The other person is sharing. Only one of you can share at a time.',
  shareUnsupported: 'This browser cannot share that. Try sharing a tab or a window.',
  shareFailed: 'Sharing could not start. Try again.',
  errorVerification:
    'This connection could not be verified as private, so the call was ended. ' +
    'Someone may be interfering with it.',
  safetyCodeLabel: 'Safety code',
  safetyCodeExplanation: 'Read these digits to each other; if they differ, end the call.',
  summaryVerified: 'Verified',
  summaryFrameEncryption: {
    on: 'frame encryption on',
    off: 'frame encryption off',
    unsupported: 'frame encryption unavailable',
  },
  frameEncryptionUnsupported:
    "Your browser or the other person's cannot add the extra layer of encryption to " +
    'the video frames. The call is still encrypted, and its connection is verified.',
});

/** Merges an override into the defaults. */
export function mergeStrings(override: BbSessionStringsOverride | undefined): BbSessionStrings {
  return {
    ...DEFAULT_STRINGS,
    ...override,
    status: { ...DEFAULT_STRINGS.status, ...override?.status },
    reasons: { ...DEFAULT_STRINGS.reasons, ...override?.reasons },
    summaryFrameEncryption: {
      ...DEFAULT_STRINGS.summaryFrameEncryption,
      ...override?.summaryFrameEncryption,
    },
  };
}

/**
 * The status line: the plain state, or why it is so when that matters to the person
 * (the other side dropped, left for good, or this side lost the session service).
 */
export function statusText(
  strings: BbSessionStrings,
  state: CallState,
  reason: CallStateReason | undefined,
): string {
  if (state === 'reconnecting') {
    return reason === 'peer-lost' ? strings.reasons.peerLost : strings.reasons.interrupted;
  }
  if (state === 'waiting' && reason === 'peer-gone') {
    return strings.reasons.peerGone;
  }
  return strings.status[state];
}

/** The sentence shown when a share fails with `code`; empty when the user cancelled. */
export function shareErrorText(strings: BbSessionStrings, code: ErrorCode): string {
  switch (code) {
    case 'BB_ERR_SHARE_CANCELLED':
      return '';
    case 'BB_ERR_SHARE_BUSY':
      return strings.shareBusy;
    case 'BB_ERR_SHARE_UNSUPPORTED':
      return strings.shareUnsupported;
    default:
      return strings.shareFailed;
  }
}

/** The sentence shown for a failure with `code`. */
export function errorText(strings: BbSessionStrings, code: ErrorCode): string {
  switch (code) {
    case 'BB_ERR_MEDIA_PERMISSION_DENIED':
      return strings.errorPermissionDenied;
    case 'BB_ERR_MEDIA_UNAVAILABLE':
      return strings.errorMediaUnavailable;
    case 'BB_ERR_LINK_MALFORMED':
    case 'BB_ERR_LINK_KEY_INVALID':
      return strings.errorLink;
    case 'BB_ERR_PEER_CONNECTION_FAILED':
      return strings.errorGeneric;
    case 'BB_ERR_RELAY_UNAVAILABLE':
      return strings.errorRelayUnavailable;
    case 'BB_ERR_VERIFICATION_FAILED':
      return strings.errorVerification;
    default:
      return strings.errorSignal;
  }
}
