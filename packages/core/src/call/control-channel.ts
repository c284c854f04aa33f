import * as z from 'zod/mini';

/**
 * Messages on the control channel, the reliable PeerJS DataConnection (JSON
 * serialization) that both participants open before any media. For now it carries only
 * the goodbye; the fingerprint proof will travel here too.
 */
export const ControlMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('bye') }),
]);
export type ControlMessage = z.infer<typeof ControlMessageSchema>;

/** The label both sides give the control channel, to tell it from later data channels. */
export const CONTROL_LABEL = 'bb-control';

/** Parses a message from the other participant; undefined for anything unknown. */
export function parseControlMessage(data: unknown): ControlMessage | undefined {
  const result = ControlMessageSchema.safeParse(data);
  return result.success ? result.data : undefined;
}
