import { isBbError } from '@bilateral-base/core';
import type { RecordingStore, StoredRecording } from '@bilateral-base/core/recording';
import { html, type TemplateResult } from 'lit';
import { loadRecording } from '../recording-loader.js';
import type { BbSessionStrings } from './bb-session.strings.js';

// Loaded when the host first opens the list of recordings, together with the store, so
// the bundle carries only the button.

export interface RecordingsListInput {
  readonly strings: () => BbSessionStrings;
  /** Asks the element to render again. */
  update(): void;
  /** Says what happened in the recording notice line; an empty string clears it. */
  tell(notice: string): void;
}

/** The host's recordings in this browser: save as file, a two-step delete, recover. */
export class RecordingsList {
  private recordings: readonly StoredRecording[] | undefined;
  private pendingDelete: string | undefined;
  private store: Promise<RecordingStore> | undefined;

  constructor(private readonly input: RecordingsListInput) {}

  /** Reads the list again from the store. */
  async refresh(): Promise<void> {
    try {
      const store = await this.openStore();
      this.recordings = [...(await store.list())].sort((a, b) => b.createdAt - a.createdAt);
    } catch {
      this.input.tell(this.input.strings().recordingActionFailed);
    }
    this.input.update();
  }

  render(): TemplateResult {
    const strings = this.input.strings();
    const list = this.recordings ?? [];
    return html`
      <p ?hidden=${this.recordings === undefined || list.length > 0}>${strings.recordingsEmpty}</p>
      <ul>
        ${list.map((recording) => this.renderItem(strings, recording))}
      </ul>
    `;
  }

  private renderItem(strings: BbSessionStrings, recording: StoredRecording): TemplateResult {
    const interrupted = recording.status === 'interrupted';
    const deleting = this.pendingDelete === recording.id;
    const label = describe(recording);
    const deleteText = deleting ? strings.confirmDeleteRecording : strings.deleteRecording;
    return html`<li part="recording-item" data-id=${recording.id} data-status=${recording.status}>
      <span>${label}${interrupted ? ` · ${strings.recordingInterrupted}` : ''}</span>
      <button
        part="control recording-recover-button"
        type="button"
        ?hidden=${!interrupted}
        @click=${() => this.act((store) => store.recover(recording.id))}
      >
        ${strings.recoverRecording}
      </button>
      <button
        part="control recording-export-button"
        type="button"
        aria-label=${`${strings.exportRecording}: ${label}`}
        ?hidden=${recording.status !== 'complete'}
        @click=${() =>
          this.act((store) =>
            store.export(recording.id, { suggestedName: fileName(recording.createdAt) }),
          )}
      >
        ${strings.exportRecording}
      </button>
      <button
        part="control recording-delete-button"
        type="button"
        aria-label=${`${deleteText}: ${label}`}
        ?hidden=${recording.status === 'recording'}
        @click=${() => this.remove(recording.id)}
      >
        ${deleteText}
      </button>
    </li>`;
  }

  private openStore(): Promise<RecordingStore> {
    this.store ??= loadRecording().then(({ RecordingStore }) => RecordingStore.open());
    this.store.catch(() => {
      this.store = undefined;
    });
    return this.store;
  }

  private remove(id: string): void {
    if (this.pendingDelete !== id) {
      // Deleting cannot be undone, so the first press only asks for a second one.
      this.pendingDelete = id;
      this.input.update();
      return;
    }
    this.pendingDelete = undefined;
    void this.act((store) => store.delete(id));
  }

  private async act(action: (store: RecordingStore) => Promise<unknown>): Promise<void> {
    try {
      await action(await this.openStore());
      this.input.tell('');
    } catch (error) {
      const cancelled = isBbError(error, 'BB_ERR_RECORDING_EXPORT_CANCELLED');
      this.input.tell(cancelled ? '' : this.input.strings().recordingActionFailed);
    }
    await this.refresh();
  }
}

/** When it was made and how long it runs, from its start and stop events, for the list. */
function describe(recording: StoredRecording): string {
  const when = new Date(recording.createdAt).toLocaleString();
  const started = recording.events.find((event) => event.type === 'started')?.at;
  const stopped = recording.events.findLast((event) => event.type === 'stopped')?.at;
  if (started === undefined || stopped === undefined || stopped < started) {
    return when;
  }
  const seconds = Math.round((stopped - started) / 1000);
  return `${when} · ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A file name with the date and time only: nothing that names the client. */
function fileName(createdAt: number): string {
  const stamp = new Date(createdAt).toISOString().slice(0, 16).replace(/[:T]/g, '-');
  return `session-recording-${stamp}`;
}
