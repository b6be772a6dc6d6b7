// JSON bodies other tools read: credential_process output and the ECS container endpoint.

import { type Credentials, isoSeconds } from './credentials.ts';

/** stdout of `credential_process` (aws-protocols.md §6): `Version` is the integer 1. */
export function credentialProcessJson(creds: Credentials): string {
  const body: Record<string, string | number> = {
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
  };
  if (creds.sessionToken) body.SessionToken = creds.sessionToken;
  if (creds.expiration) body.Expiration = isoSeconds(creds.expiration);
  return JSON.stringify(body);
}

/** The ECS container-credentials answer: note `Token`, not `SessionToken`. */
export function containerCredentialsJson(creds: Credentials): string {
  const body: Record<string, string> = {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
  };
  if (creds.sessionToken) body.Token = creds.sessionToken;
  if (creds.expiration) body.Expiration = isoSeconds(creds.expiration);
  return JSON.stringify(body);
}
