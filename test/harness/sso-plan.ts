import type { Plan } from '../../src/config/plan.ts';

// The SSO source the credential-engine tests start their plans from, written once.

export const SSO_SOURCE: Extract<Plan['source'], { kind: 'sso' }> = {
  kind: 'sso',
  session: 'corp',
  startUrl: 'https://d-1234567890.awsapps.com/start',
  ssoRegion: 'us-east-1',
  accountId: '111122223333',
  roleName: 'Admin',
};
