import { registerSecret } from './redact.ts';

/** Short-term AWS credentials, as every layer passes them around (the layers keep their own names). */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** An SDK provider's answer as rolehop's Credentials (only its four fields), secrets registered for redaction. */
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
