import { base64urlnopad } from '@scure/base';

/** Unpadded base64url (RFC 4648 section 5), the encoding of every key and id on the wire. */
export function toBase64Url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/**
 * Decodes unpadded base64url. Throws on any character outside the alphabet, on
 * padding, and on non-canonical trailing bits, so one value has exactly one spelling.
 */
export function fromBase64Url(text: string): Uint8Array {
  return base64urlnopad.decode(text);
}
