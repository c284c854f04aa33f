import type * as Recording from '@bilateral-base/core/recording';

/**
 * Loads `@bilateral-base/core/recording` (the encrypted store of local recordings and
 * their export) on first use. Pages that use the no-build bundle reach `RecordingStore`
 * through this; the code arrives in a chunk beside the bundle, only when called.
 */
export function loadRecording(): Promise<typeof Recording> {
  return import('@bilateral-base/core/recording');
}
