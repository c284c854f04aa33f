export { mapMediaError } from './media-errors.js';
export {
  openLocalMedia,
  stopStream,
  setTracksEnabled,
  tracksEnabled,
  DEFAULT_MEDIA_CONSTRAINTS,
} from './local-media.js';
