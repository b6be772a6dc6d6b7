import type { Credentials } from '../types.ts';

export { fromSdkCredentials } from '../../util/credentials.ts';

/** One step of a plan: the previous step's credentials (none for a source) → new credentials. */
export type CredentialProvider = (source: Credentials | undefined) => Promise<Credentials>;
