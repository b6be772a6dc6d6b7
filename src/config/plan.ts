// A Plan is data: where the first credentials come from, then each AssumeRole hop (design.md).
// Every command that needs credentials builds one and hands it to src/creds.

export type Source =
  | {
      kind: 'sso';
      /** sso-session name; absent for legacy profiles (sso_start_url on the profile). */
      session?: string;
      startUrl: string;
      ssoRegion: string;
      accountId: string;
      roleName: string;
      registrationScopes?: string[];
    }
  /** Static keys of this profile (read from the files at run time, never copied into the plan). */
  | { kind: 'static'; profile: string }
  | { kind: 'process'; command: string; profile?: string }
  | { kind: 'env' }
  /**
   * STS AssumeRoleWithWebIdentity with the token read from `tokenFile` at run time (CI, EKS): a profile's
   * role_arn + web_identity_token_file, or AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE when nothing is named.
   */
  | { kind: 'web-identity'; roleArn: string; tokenFile: string; sessionName?: string; profile?: string }
  /** A profile with login_session: the AWS CLI's `aws login` sign-in, read from ~/.aws/login/cache. */
  | { kind: 'login'; session: string; profile: string }
  | { kind: 'credential-source'; name: 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer' };

export interface AssumeRoleHop {
  roleArn: string;
  sessionName?: string;
  externalId?: string;
  mfaSerial?: string;
  durationSeconds?: number;
  sourceIdentity?: string;
  tags?: Record<string, string>;
  /** The profile that asked for this hop, for messages. */
  profile?: string;
}

export interface Plan {
  /** The profile the plan was resolved from, when there is one. */
  profile?: string;
  /** The profile whose credentials start the chain (end of source_profile), for naming hops in messages. */
  sourceProfile?: string;
  region?: string;
  source: Source;
  hops: AssumeRoleHop[];
}
