export type { SecuritySummary, FrameEncryptionState } from './security-summary.js';
export { PROOF_TIMEOUT_MS } from './control-verification.js';
