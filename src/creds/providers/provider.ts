import { registerSecret } from '../../util/redact.ts';
import type { Credentials } from '../types.ts';

/** One step of a plan: the previous step's credentials (none for a source) → new credentials. */
export type CredentialProvider = (source: Credentials | undefined) => Promise<Credentials>;

/** An SDK provider's answer as rolehop's Credentials, its secrets registered for redaction. */
export function fromSdkCredentials(c: Credentials): Credentials {
  registerSecret(c.secretAccessKey);
  registerSecret(c.sessionToken);
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
    ...(c.expiration ? { expiration: c.expiration } : {}),
  };
}
