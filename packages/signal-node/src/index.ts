export { createSignalServer, type SignalServer } from './server.js';
export {
  parseSignalOptions,
  SignalConfigError,
  LOG_LEVELS,
  type ConfigIssue,
  type LogDestination,
  type LogLevelName,
  type SignalConfig,
  type SignalServerOptions,
} from './config/options.js';
export { OPTION_SPECS, type OptionSpec } from './config/option-specs.js';
