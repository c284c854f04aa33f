import { BbError, isBbError } from '../errors/index.js';
import type { DecryptedRecordingSource } from './decrypted-source.js';
import type { RecordingEvent } from './types.js';

/** One positioned write, the shape both mediabunny and `FileSystemWritableFileStream` use. */
export interface PositionedWrite {
  type: 'write';
  position: number;
  data: Uint8Array<ArrayBuffer>;
}

/** Where the remuxed file goes: a seekable writer (file stream or OPFS scratch file). */
export interface SeekableSink {
  write(chunk: PositionedWrite): Promise<void>;
}

/** What the remux wrote. */
export interface RemuxResult {
  readonly mimeType: 'video/webm' | 'video/mp4';
  readonly extension: 'webm' | 'mp4';
  readonly bytesWritten: number;
  readonly durationSeconds: number;
}

/** The metadata written into the exported file: times and roles only. */
export interface ExportMetadata {
  readonly recordingId: string;
  readonly createdAt: number;
  readonly endReason: string;
  readonly events: readonly RecordingEvent[];
}

/**
 * Rewrites the recorded stream into a file with a duration and a seek index, copying the
 * encoded media without decoding it: WebM in, WebM out with Cues and Duration (Matroska,
 * RFC 9559 sections 5.1.2.2 and 5.1.5); MP4 in, MP4 out with a `moov` at the end. Reads
 * go through `source`, writes straight to `sink` at their positions, so neither side
 * holds the recording whole.
 *
 * mediabunny is imported here, on first export only: it is the largest dependency of the
 * recording entry, and pages that never export never load it.
 */
export async function remuxRecording(
  source: DecryptedRecordingSource,
  recordedMimeType: string,
  metadata: ExportMetadata,
  sink: SeekableSink,
): Promise<RemuxResult> {
  const mb = await import('mediabunny');
  const isMp4 = /^(video|audio)\/mp4/i.test(recordedMimeType);
  let bytesWritten = 0;
  const forward = new WritableStream<PositionedWrite>({
    async write(chunk) {
      bytesWritten = Math.max(bytesWritten, chunk.position + chunk.data.length);
      await sink.write(chunk);
    },
  });
  const input = new mb.Input({
    formats: isMp4 ? [mb.MP4] : [mb.WEBM, mb.MATROSKA],
    source: new mb.CustomSource({
      getSize: () => source.size,
      read: (start, end) => source.read(start, end),
      // Reads come from local files; a little read-ahead saves decrypting a chunk twice.
      prefetchProfile: 'fileSystem',
    }),
  });
  const output = new mb.Output({
    format: isMp4
      ? new mb.Mp4OutputFormat({ fastStart: false })
      : new mb.WebMOutputFormat({ minimumClusterDuration: 1 }),
    target: new mb.StreamTarget(forward),
  });
  let lastTimestamp = 0;
  try {
    const conversion = await mb.Conversion.init({
      input,
      output,
      showWarnings: false,
      tags: {
        title: 'Session recording',
        date: new Date(metadata.createdAt),
        comment: JSON.stringify(exportMetadataJson(metadata)),
      },
    });
    if (!conversion.isValid) {
      throw new BbError(
        'BB_ERR_RECORDING_EXPORT_FAILED',
        'The recorded stream has no track that can be copied into a file ' +
          `(${conversion.discardedTracks.map((track) => track.reason).join(', ') || 'no tracks'}).`,
      );
    }
    await conversion.execute();
    for (const track of conversion.utilizedTracks) {
      lastTimestamp = Math.max(lastTimestamp, await track.computeDuration());
    }
  } catch (error) {
    if (isBbError(error)) {
      throw error;
    }
    // A chunk that failed to decrypt surfaces through mediabunny's read; keep its code.
    const inner = (error as { cause?: unknown } | undefined)?.cause;
    if (isBbError(inner)) {
      throw inner;
    }
    throw new BbError(
      'BB_ERR_RECORDING_EXPORT_FAILED',
      'The recorded stream could not be remuxed into a file.',
      { cause: error },
    );
  } finally {
    input.dispose();
  }
  return {
    mimeType: isMp4 ? 'video/mp4' : 'video/webm',
    extension: isMp4 ? 'mp4' : 'webm',
    bytesWritten,
    durationSeconds: lastTimestamp,
  };
}

/** The JSON kept in the file's comment tag, and offered beside it by `eventsJson()`. */
export function exportMetadataJson(metadata: ExportMetadata): Record<string, unknown> {
  return {
    format: 'bilateral-base recording metadata v1',
    recordingId: metadata.recordingId,
    createdAt: new Date(metadata.createdAt).toISOString(),
    endReason: metadata.endReason,
    events: metadata.events.map((event) => ({
      type: event.type,
      at: new Date(event.at).toISOString(),
      role: event.role,
      ...(event.reason === undefined ? {} : { reason: event.reason }),
    })),
  };
}
