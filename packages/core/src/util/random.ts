/** `length` bytes from the platform CSPRNG (Web Crypto in browsers and in Node 20+). */
export function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}
