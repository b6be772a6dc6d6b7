import { updateConfigFile } from '../../config/editor.ts';
import { loadConfigView } from '../../config/load.ts';
import { configPaths } from '../../config/paths.ts';
import {
  DEFAULT_SCOPES,
  nameFromStartUrl,
  pickSession,
  type SsoSessionRef,
  sessionFromView,
  ssoSessionSection,
  validateStartUrl,
} from '../../config/sso-session.ts';
import { login } from '../../sso/login.ts';
import { formatDuration } from '../../util/duration.ts';
import { UsageError } from '../../util/errors.ts';
import { prefersDeviceCode } from '../browser.ts';
import { parseRegion } from '../region.ts';
import type { CommandRun } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]*$/;

export const run: CommandRun = async (input, deps) => {
  const v = input.values;
  const startUrl = v['start-url'] as string | undefined;
  const region = v['sso-region'] as string | undefined;
  const name = v['sso-session'] as string | undefined;
  if (region !== undefined && startUrl === undefined) {
    throw new UsageError('--sso-region goes with --start-url (first sign-in)', {
      hint: 'rolehop login --start-url URL --sso-region REGION [--sso-session NAME]',
    });
  }
  const view = loadConfigView(deps.env);
  let session: SsoSessionRef;
  let newSection = false;
  if (startUrl !== undefined) {
    validateStartUrl(startUrl);
    if (!region) {
      throw new UsageError('--start-url needs --sso-region, the Identity Center region', {
        hint: 'rolehop login --start-url URL --sso-region eu-west-1 --sso-session NAME',
      });
    }
    parseRegion(region, '--sso-region');
    const sessionName = name ?? nameFromStartUrl(startUrl);
    if (!SESSION_NAME.test(sessionName)) {
      throw new UsageError(`"${sessionName}" is not a usable sso-session name`, {
        hint: 'use letters, digits and . _ - @ +, starting with a letter or digit',
      });
    }
    if (ssoSessionSection(view, sessionName)) {
      session = sessionFromView(view, sessionName);
      if (session.startUrl !== startUrl || session.region !== region) {
        throw new UsageError(
          `sso-session "${sessionName}" already exists with start URL ${session.startUrl} in ${session.region}`,
          {
            hint: `sign in to it with 'rolehop login --sso-session ${sessionName}', or pick another --sso-session name`,
          },
        );
      }
    } else {
      session = { name: sessionName, startUrl, region, scopes: DEFAULT_SCOPES };
      newSection = true;
    }
  } else {
    session = pickSession(view, name);
  }

  const autoDevice = v['device-code'] !== true && prefersDeviceCode({ env: deps.env });
  if (autoDevice) deps.stderr.write('No display over SSH: using the device-code flow.\n');
  const flow = v['device-code'] === true || autoDevice ? 'device' : 'pkce';
  const result = await login(session, ssoDepsFor(deps, view), { flow, noBrowser: v['no-browser'] === true });

  if (newSection) {
    // Written only after a successful sign-in, so a denied or failed first login changes no file.
    await updateConfigFile(configPaths(deps.env).configFile, 'config', (doc) => {
      const ref = { kind: 'sso-session' as const, name: session.name! };
      doc.set(ref, 'sso_start_url', session.startUrl);
      doc.set(ref, 'sso_region', session.region);
      doc.set(ref, 'sso_registration_scopes', (session.scopes ?? DEFAULT_SCOPES).join(','));
    });
    deps.stderr.write(`Added [sso-session ${session.name}] to ${configPaths(deps.env).configFile}\n`);
  }
  const left = formatDuration((result.token.expiresAt - deps.now()) / 1000);
  const who = result.by === 'other' ? ' (by another rolehop process)' : '';
  deps.stderr.write(`Signed in to sso-session ${session.name}${who}; the session lasts ${left}.\n`);
  return 0;
};
