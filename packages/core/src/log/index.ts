export {
  createLogger,
  setLogSink,
  consoleSink,
  type Logger,
  type LogLevel,
  type LogRecord,
  type LogSink,
} from './logger.js';
