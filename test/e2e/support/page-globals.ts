import type * as WidgetBundle from '../../../packages/widget/src/define.js';

/**
 * What the test pages put on `window` (see pages/ and chromium.ts). Closures passed to
 * page.evaluate run in the page, so they cast `window` to this type themselves.
 */
export interface TestWindow {
  bb: typeof WidgetBundle;
  bbReady: boolean;
  __bbEvents: { type: string; detail: unknown }[];
  __bbStartClock(): void;
  __bbJoinStartedAt?: number;
  __bbFirstFrameAt?: number;
  __bbFramesDecoded(): Promise<number>;
  __bbPeerConnections: RTCPeerConnection[];
  /** The ICE configuration each recorded RTCPeerConnection was constructed with. */
  __bbPeerConnectionConfigs: {
    iceServers: RTCIceServer[] | null;
    iceTransportPolicy: RTCIceTransportPolicy | null;
    gathered: boolean;
  }[];
  /** Set by tests that drive a SessionCall directly. */
  call?: InstanceType<typeof WidgetBundle.SessionCall>;
  callStates?: string[];
  endedReason?: string;
  remoteStreamEvents?: number;
  /** Every `screenshare` state the call reported, in order. */
  shareStates?: string[];
}
