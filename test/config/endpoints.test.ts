import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientSettings, endpointOverride, signinEndpoint } from '../../src/config/endpoints.ts';
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

/** The settings a client gets when neither the env nor the profile sets them: the SDK's defaults. */
const SDK_DEFAULTS = { userAgentAppId: '', authSchemePreference: [], disableClockSkewCorrection: false };

test('SDK clients get an explicit endpoint only when one is configured, else FIPS and dual-stack flags', () => {
  const fipsView: ConfigView = {
    ...view,
    profiles: { ...view.profiles, gov: { use_fips_endpoint: 'true', use_dualstack_endpoint: 'TRUE' } },
  };
  assert.deepEqual(clientSettings('STS', {}, fipsView, 'gov'), {
    useFipsEndpoint: true,
    useDualstackEndpoint: true,
    ignoreConfiguredEndpointUrls: true,
    ...SDK_DEFAULTS,
  });
  // The variable wins over the profile, as in the SDKs.
  assert.equal(
    clientSettings('STS', { AWS_USE_FIPS_ENDPOINT: 'false' }, fipsView, 'gov').useFipsEndpoint,
    false,
  );
  assert.equal(clientSettings('SSO', { AWS_USE_FIPS_ENDPOINT: 'true' }).useFipsEndpoint, true);
  // A configured endpoint is used as given (botocore drops FIPS then; the JS SDK's rules would refuse).
  assert.deepEqual(
    clientSettings('STS', { AWS_USE_FIPS_ENDPOINT: 'true', AWS_ENDPOINT_URL_STS: 'http://x/' }),
    {
      endpoint: 'http://x',
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      ignoreConfiguredEndpointUrls: true,
      ...SDK_DEFAULTS,
    },
  );
  assert.throws(
    () => clientSettings('STS', { AWS_USE_DUALSTACK_ENDPOINT: 'yes' }),
    /AWS_USE_DUALSTACK_ENDPOINT is "yes": expected true or false/,
  );
});

test("the profile's other SDK settings: the variable first, then the profile, read as the JS SDK reads them", () => {
  const settingsView: ConfigView = {
    ...view,
    profiles: {
      tuned: {
        sdk_ua_app_id: 'team-a',
        auth_scheme_preference: 'sigv4a, sigv4',
        sigv4a_signing_region_set: 'us-east-1, us-west-2',
        disable_clock_skew_correction: 'true',
      },
      old: { 'sdk-ua-app-id': 'legacy' },
      odd: { disable_clock_skew_correction: 'sometimes' },
    },
  };
  assert.deepEqual(clientSettings('STS', {}, settingsView, 'tuned'), {
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    ignoreConfiguredEndpointUrls: true,
    userAgentAppId: 'team-a',
    authSchemePreference: ['sigv4a', 'sigv4'],
    sigv4aSigningRegionSet: ['us-east-1', 'us-west-2'],
    disableClockSkewCorrection: true,
  });
  const fromEnv = clientSettings(
    'STS',
    {
      AWS_SDK_UA_APP_ID: '',
      AWS_AUTH_SCHEME_PREFERENCE: 'sigv4',
      AWS_SIGV4A_SIGNING_REGION_SET: '*',
      AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'false',
    },
    settingsView,
    'tuned',
  );
  // An empty AWS_SDK_UA_APP_ID is set (to nothing), as in the SDK.
  assert.equal(fromEnv.userAgentAppId, '');
  assert.deepEqual(fromEnv.authSchemePreference, ['sigv4']);
  assert.deepEqual(fromEnv.sigv4aSigningRegionSet, ['*']);
  assert.equal(fromEnv.disableClockSkewCorrection, false);
  assert.equal(clientSettings('SSO', {}, settingsView, 'old').userAgentAppId, 'legacy');
  // With an endpoint configured, the same settings.
  assert.equal(
    clientSettings('STS', { AWS_ENDPOINT_URL_STS: 'http://x' }, settingsView, 'tuned').userAgentAppId,
    'team-a',
  );
  assert.throws(
    () => clientSettings('STS', {}, settingsView, 'odd'),
    /disable_clock_skew_correction is "sometimes": expected true or false/,
  );
});
