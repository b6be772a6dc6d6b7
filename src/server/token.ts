// The bearer token that guards the local credential endpoint.

import { randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: a fresh one for every server. */
export function newServerToken(): string {
  return randomBytes(32).toString('base64url');
}
