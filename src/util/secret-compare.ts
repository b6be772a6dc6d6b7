import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a presented secret (a server token, an OAuth state) equals the expected one, in constant
 * time. Both sides are hashed first so the buffers always have the same length (timingSafeEqual
 * throws otherwise) and the time taken says nothing about either's length.
 */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
