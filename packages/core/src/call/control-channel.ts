import * as z from 'zod/mini';

/**
 * Messages on the control channel, the reliable PeerJS DataConnection (JSON
 * serialization) that both participants open before any media. It carries the
 * fingerprint proof first (`hello`, `nonce`, `proof`: see verification/proof-session.ts),
 * then the goodbye and the screen-share coordination.
 *
 * The share messages describe the sender's own share (`share-started`, `share-paused`,
 * `share-resumed`, `share-stopped`), except `share-stop-request`, which the host sends
 * to ask the client to stop its share.
 */
const Base64Url32 = z.string().check(z.length(43), z.regex(/^[A-Za-z0-9_-]+$/));

/**
 * Recording consent (see recording/consent.ts). The host asks (`recording-request`, saying
 * whether video is recorded too), the client answers (`recording-consent`), the host says
 * when its recorder runs and stops (`recording-started`, `recording-stopped`), and the
 * client may withdraw at any time (`recording-withdraw`). They carry no times and never
 * any media: recordings stay on the host's computer.
 */
const RECORDING_MESSAGES = [
  z.strictObject({
    type: z.literal('recording-request'),
    media: z.enum(['audio-video', 'audio']),
  }),
  z.strictObject({ type: z.literal('recording-consent'), accepted: z.boolean() }),
  z.strictObject({ type: z.literal('recording-started') }),
  z.strictObject({
    type: z.literal('recording-stopped'),
    reason: z.enum(['stopped', 'cancelled', 'failed']),
  }),
  z.strictObject({ type: z.literal('recording-withdraw') }),
] as const;

export const ControlMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), commit: Base64Url32 }),
  z.strictObject({ type: z.literal('nonce'), nonce: Base64Url32 }),
  z.strictObject({
    type: z.literal('proof'),
    mac: Base64Url32,
    // The sender can encrypt frames (e2ee/); absent from peers without it.
    frames: z.optional(z.boolean()),
  }),
  z.strictObject({ type: z.literal('bye') }),
  // Sent every second by both sides; silence means the other side froze or vanished.
  z.strictObject({ type: z.literal('heartbeat') }),
  // The sender's page is going away (reload, closed tab, navigation). Unlike `bye`, it
  // may come back with the same link, so the other side waits for it.
  z.strictObject({ type: z.literal('page-leaving') }),
  z.strictObject({ type: z.literal('share-started') }),
  z.strictObject({ type: z.literal('share-paused') }),
  z.strictObject({ type: z.literal('share-resumed') }),
  z.strictObject({ type: z.literal('share-stopped') }),
  z.strictObject({ type: z.literal('share-stop-request') }),
  ...RECORDING_MESSAGES,
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;

/** The label both sides give the control channel, to tell it from later data channels. */
export const CONTROL_LABEL = 'bb-control';

/** Parses a message from the other participant; undefined for anything unknown. */
export function parseControlMessage(data: unknown): ControlMessage | undefined {
  const result = ControlMessageSchema.safeParse(data);
  return result.success ? result.data : undefined;
}
