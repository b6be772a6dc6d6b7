import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointFor, endpointOverride } from '../../src/config/endpoints.ts';
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

test('default endpoints are regional and follow the partition', () => {
  assert.equal(endpointFor('SSO', 'eu-west-1', {}), 'https://portal.sso.eu-west-1.amazonaws.com');
  assert.equal(endpointFor('SSO_OIDC', 'cn-north-1', {}), 'https://oidc.cn-north-1.amazonaws.com.cn');
  assert.equal(endpointFor('STS', 'us-gov-west-1', {}), 'https://sts.us-gov-west-1.amazonaws.com');
  assert.equal(endpointFor('SIGNIN', 'cn-north-1', {}), 'https://signin.amazonaws.cn');
  assert.equal(
    endpointFor('STS', 'eu-west-1', { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:5000/' }),
    'http://127.0.0.1:5000',
  );
});
