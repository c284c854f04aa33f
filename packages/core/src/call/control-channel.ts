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

export const ControlMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), commit: Base64Url32 }),
  z.strictObject({ type: z.literal('nonce'), nonce: Base64Url32 }),
  z.strictObject({ type: z.literal('proof'), mac: Base64Url32 }),
  z.strictObject({ type: z.literal('bye') }),
  z.strictObject({ type: z.literal('share-started') }),
  z.strictObject({ type: z.literal('share-paused') }),
  z.strictObject({ type: z.literal('share-resumed') }),
  z.strictObject({ type: z.literal('share-stopped') }),
  z.strictObject({ type: z.literal('share-stop-request') }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;

/** The label both sides give the control channel, to tell it from later data channels. */
export const CONTROL_LABEL = 'bb-control';

/** Parses a message from the other participant; undefined for anything unknown. */
export function parseControlMessage(data: unknown): ControlMessage | undefined {
  const result = ControlMessageSchema.safeParse(data);
  return result.success ? result.data : undefined;
}
