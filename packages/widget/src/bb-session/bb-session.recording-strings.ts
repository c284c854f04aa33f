/** The texts of recording with consent in `<bb-session>`; replace any through `strings`. */
export interface RecordingStrings {
  /** The host's button that asks the client for consent to record. */
  readonly record: string;
  /** The host's button while a request waits for the client's answer. */
  readonly cancelRecordingRequest: string;
  /** The host's button while recording. */
  readonly stopRecording: string;
  /** The client's button while recording: withdraws consent and stops it at once. */
  readonly withdrawRecordingConsent: string;
  /** The indicator on both screens while recording runs. */
  readonly recordingIndicator: string;
  /** The host's line while waiting for the client's answer. */
  readonly recordingAwaitingConsent: string;
  /** The client's consent request: title, the two explanations, and the two answers. */
  readonly consentTitle: string;
  readonly consentExplanationVideo: string;
  readonly consentExplanationAudio: string;
  readonly consentWithdrawAnyTime: string;
  readonly consentAccept: string;
  readonly consentDecline: string;
  /** Notices after a recording ends or cannot start. */
  readonly recordingDeclined: string;
  readonly recordingWithdrawn: string;
  readonly recordingStoppedByHost: string;
  readonly recordingSaved: string;
  readonly recordingFailed: string;
  readonly recordingNoSpace: string;
  /** The host's list of recordings stored in this browser. */
  readonly recordings: string;
  readonly recordingsEmpty: string;
  readonly recordingInterrupted: string;
  readonly exportRecording: string;
  readonly deleteRecording: string;
  readonly confirmDeleteRecording: string;
  readonly recoverRecording: string;
  readonly recordingActionFailed: string;
}

export const DEFAULT_RECORDING_STRINGS: RecordingStrings = Object.freeze({
  record: 'Record session',
  cancelRecordingRequest: 'Cancel recording request',
  stopRecording: 'Stop recording',
  withdrawRecordingConsent: 'Stop recording',
  recordingIndicator: 'Recording',
  recordingAwaitingConsent: 'Asking the other person whether they agree to be recorded…',
  consentTitle: 'Your therapist asks to record this session',
  consentExplanationVideo:
    'The recording holds the picture and sound of both of you. It is saved only on your ' +
    "therapist's computer and is not uploaded or sent anywhere.",
  consentExplanationAudio:
    'The recording holds the sound of both of you, no picture. It is saved only on your ' +
    "therapist's computer and is not uploaded or sent anywhere.",
  consentWithdrawAnyTime:
    'You can stop it at any time with "Stop recording"; it then stops at once.',
  consentAccept: 'Allow recording',
  consentDecline: 'Do not record',
  recordingDeclined: 'The other person did not agree to recording. Nothing was recorded.',
  recordingWithdrawn: 'The other person stopped the recording.',
  recordingStoppedByHost: 'The recording has stopped.',
  recordingSaved: 'The recording is saved on this computer.',
  recordingFailed: 'Recording stopped on an error. What was recorded so far is kept.',
  recordingNoSpace: 'There is not enough space on this computer to record.',
  recordings: 'Recordings',
  recordingsEmpty: 'No recordings are stored on this computer.',
  recordingInterrupted: 'Interrupted',
  exportRecording: 'Save as file',
  deleteRecording: 'Delete',
  confirmDeleteRecording: 'Delete for good',
  recoverRecording: 'Recover',
  recordingActionFailed: 'That did not work. Try again.',
});
