import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two strings in time that does not depend on where they differ.
 *
 * `timingSafeEqual` needs equal lengths, so both sides are hashed first: the length
 * of a secret is not leaked either, and a SHA-256 collision is out of reach.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a, 'utf8').digest();
  const right = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(left, right);
}

/** True when `candidate` equals any of `secrets`; every entry is compared, no early exit. */
export function matchesAny(candidate: string, secrets: readonly string[]): boolean {
  let found = false;
  for (const secret of secrets) {
    found = constantTimeEqual(candidate, secret) || found;
  }
  return found;
}
