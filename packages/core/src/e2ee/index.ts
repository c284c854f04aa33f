export { FRAME_KEY_LABEL, deriveFrameKey, deriveFrameKeys } from './frame-keys.js';
export type { FrameDirection, FrameKeys, FrameKeyInput } from './frame-keys.js';
export { createFrameCodec, type FrameCodec, type FrameDescription } from './frame-codec.js';
export { frameTransformKind, type FrameTransformKind } from './support.js';
export { FrameProtection, type FrameCounts } from './frame-protection.js';
