import type { Env } from '../util/env.ts';
import { ConfigError } from '../util/errors.ts';
import { readRoleArn, SESSION_NAME } from './hop-rules.ts';
import type { Source } from './plan.ts';

// The SDKs' default chain ends with web identity from the environment (EKS, GitHub Actions):
// AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME). The JS and Rust SDKs try it only
// after the profile (when no profile resolves), so rolehop uses it only when nothing is named.

/** The web identity source the environment describes, or undefined when AWS_WEB_IDENTITY_TOKEN_FILE is unset. */
export function webIdentityFromEnv(env: Env): Extract<Source, { kind: 'web-identity' }> | undefined {
  const tokenFile = env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim();
  if (!tokenFile) return undefined;
  const roleArn = env.AWS_ROLE_ARN?.trim() ?? '';
  if (roleArn === '') {
    // botocore refuses this too (the JS SDK skips it silently, which hides the mistake).
    throw new ConfigError('AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not', {
      hint: 'export AWS_ROLE_ARN=arn:aws:iam::<account>:role/<name> (the role the token may assume), or unset AWS_WEB_IDENTITY_TOKEN_FILE',
    });
  }
  const read = readRoleArn(roleArn);
  if ('problem' in read) {
    throw new ConfigError(`AWS_ROLE_ARN "${roleArn}" is not an IAM role ARN: ${read.problem}`, {
      hint: 'expected arn:aws:iam::<12-digit account>:role/<name> (or aws-cn, aws-us-gov)',
    });
  }
  const sessionName = env.AWS_ROLE_SESSION_NAME?.trim();
  if (sessionName && !SESSION_NAME.accepts(sessionName)) {
    throw new ConfigError(`AWS_ROLE_SESSION_NAME "${sessionName}": expected ${SESSION_NAME.expected}`, {
      hint: 'export AWS_ROLE_SESSION_NAME with a name STS accepts, e.g. ci-deploy, or unset it',
    });
  }
  return { kind: 'web-identity', roleArn, tokenFile, ...(sessionName ? { sessionName } : {}) };
}
