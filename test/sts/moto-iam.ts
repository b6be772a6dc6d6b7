import { execFileSync } from 'node:child_process';
import type { Moto } from '../harness/moto.ts';

export interface SeededMoto {
  /** An IAM user allowed to do everything. */
  admin: { accessKeyId: string; secretAccessKey: string };
  /** An IAM user without any policy. */
  nobody: { accessKeyId: string; secretAccessKey: string };
  roleArn(name: string): string;
}

const ACCOUNT = '123456789012';

// IAM setup through boto3 (installed with moto): users with keys, and roles that trust anyone in
// the account. Moto evaluates an existing role's policies when its sessions call STS, so every
// role used in a chain must exist.
const SCRIPT = `
import boto3, json, sys
url, roles = sys.argv[1], sys.argv[2].split(',')
powerless = [r for r in sys.argv[3].split(',') if r]
iam = boto3.client('iam', endpoint_url=url, region_name='us-east-1',
                   aws_access_key_id='AKIASETUP0000000000', aws_secret_access_key='setup')
allow = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]})
trust = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': '*'},
        'Action': ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity']}]})
out = {}
for user, policy in (('admin', True), ('nobody', False)):
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)['AccessKey']
    if policy:
        iam.put_user_policy(UserName=user, PolicyName='all', PolicyDocument=allow)
    out[user] = {'accessKeyId': key['AccessKeyId'], 'secretAccessKey': key['SecretAccessKey']}
for role in roles + powerless:
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    if role not in powerless:
        iam.put_role_policy(RoleName=role, PolicyName='all', PolicyDocument=allow)
print(json.dumps(out))
`;

/** `powerless` roles exist and trust anyone but may do nothing: a hop from them is denied. */
export function seedMoto(moto: Moto, roles: string[], powerless: string[] = []): SeededMoto {
  const out = JSON.parse(
    execFileSync('python3', ['-c', SCRIPT, moto.url, roles.join(','), powerless.join(',')], {
      encoding: 'utf8',
    }),
  );
  return { ...out, roleArn: (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}` };
}
