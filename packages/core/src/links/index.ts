export { SessionLink, LINK_KEY_PARAM } from './session-link.js';
export {
  deriveLinkSecrets,
  hashProof,
  DERIVATION_LABELS,
  LINK_KEY_BYTES,
  type LinkSecrets,
} from './derive.js';
