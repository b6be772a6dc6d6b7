import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientEndpoint, endpointOverride, signinEndpoint } from '../../src/config/endpoints.ts';
import type { ConfigView } from '../../src/config/model.ts';

const view: ConfigView = {
  profiles: {
    dev: { services: 'local', endpoint_url: 'http://profile-wide' },
    plain: { endpoint_url: 'http://profile-wide' },
    ignoring: { endpoint_url: 'http://x', ignore_configured_endpoint_urls: 'true' },
  },
  ssoSessions: {},
  services: { local: { sts: { endpoint_url: 'http://services-sts' } } },
  warnings: [],
};

test('endpoint precedence: service env > global env > services section > profile endpoint_url', () => {
  assert.equal(
    endpointOverride('STS', { AWS_ENDPOINT_URL_STS: 'http://a', AWS_ENDPOINT_URL: 'http://b' }, view, 'dev'),
    'http://a',
  );
  assert.equal(endpointOverride('STS', { AWS_ENDPOINT_URL: 'http://b' }, view, 'dev'), 'http://b');
  assert.equal(endpointOverride('STS', {}, view, 'dev'), 'http://services-sts');
  assert.equal(endpointOverride('SSO', {}, view, 'dev'), 'http://profile-wide');
  assert.equal(endpointOverride('SSO', {}, view, 'plain'), 'http://profile-wide');
  assert.equal(endpointOverride('SSO', {}, view, 'ignoring'), undefined);
  assert.equal(
    endpointOverride('SSO', { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL: 'http://b' }),
    undefined,
  );
});

test('the console sign-in endpoint follows the partition and its override', () => {
  assert.equal(signinEndpoint('cn-north-1', {}), 'https://signin.amazonaws.cn');
  assert.equal(signinEndpoint('us-gov-west-1', {}), 'https://signin.amazonaws-us-gov.com');
  assert.equal(signinEndpoint('eu-west-1', {}), 'https://signin.aws.amazon.com');
  assert.equal(
    signinEndpoint('eu-west-1', { AWS_ENDPOINT_URL_SIGNIN: 'http://127.0.0.1:5000/' }),
    'http://127.0.0.1:5000',
  );
});

test('SDK clients get an explicit endpoint only when one is configured, else FIPS and dual-stack flags', () => {
  const fipsView: ConfigView = {
    ...view,
    profiles: { ...view.profiles, gov: { use_fips_endpoint: 'true', use_dualstack_endpoint: 'TRUE' } },
  };
  assert.deepEqual(clientEndpoint('STS', {}, fipsView, 'gov'), {
    useFipsEndpoint: true,
    useDualstackEndpoint: true,
    ignoreConfiguredEndpointUrls: true,
  });
  // The variable wins over the profile, as in the SDKs.
  assert.equal(
    clientEndpoint('STS', { AWS_USE_FIPS_ENDPOINT: 'false' }, fipsView, 'gov').useFipsEndpoint,
    false,
  );
  assert.equal(clientEndpoint('SSO', { AWS_USE_FIPS_ENDPOINT: 'true' }).useFipsEndpoint, true);
  // A configured endpoint is used as given (botocore drops FIPS then; the JS SDK's rules would refuse).
  assert.deepEqual(
    clientEndpoint('STS', { AWS_USE_FIPS_ENDPOINT: 'true', AWS_ENDPOINT_URL_STS: 'http://x/' }),
    {
      endpoint: 'http://x',
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      ignoreConfiguredEndpointUrls: true,
    },
  );
  assert.throws(
    () => clientEndpoint('STS', { AWS_USE_DUALSTACK_ENDPOINT: 'yes' }),
    /AWS_USE_DUALSTACK_ENDPOINT is "yes": expected true or false/,
  );
});
