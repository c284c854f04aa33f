// The widget's classes and event types, without registering any tag. Import
// `@bilateral-base/widget/define` to register `<bb-session>`.
export { BbSession } from './bb-session/bb-session.js';
export {
  DEFAULT_STRINGS,
  type BbSessionStrings,
  type BbSessionStringsOverride,
} from './bb-session/bb-session.strings.js';
export * from './events/index.js';
export { loadRecording } from './recording-loader.js';
