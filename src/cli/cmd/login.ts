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
import { login as signIn } from '../../sso/login.ts';
import { formatDuration } from '../../util/duration.ts';
import { UsageError } from '../../util/errors.ts';
import { prefersDeviceCode } from '../browser.ts';
import type { Deps } from '../deps.ts';
import { parseRegion } from '../region.ts';
import { type CommandInput, type CommandRun, flagOf, textOf } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]*$/;

/** What login acts on, typed: the command line is read and checked once, in parseLoginInput. */
export interface LoginInput {
  /** --sso-session: the configured session to sign in to (chosen as pickSession does when absent). */
  ssoSession: string | undefined;
  /** First sign-in (--start-url with --sso-region): its section is written after signing in. */
  newSession: { name: string; startUrl: string; region: string } | undefined;
  deviceCode: boolean;
  noBrowser: boolean;
}

export function parseLoginInput(raw: CommandInput): LoginInput {
  const startUrl = textOf(raw, 'start-url');
  const region = textOf(raw, 'sso-region');
  const name = textOf(raw, 'sso-session');
  const flags = { deviceCode: flagOf(raw, 'device-code'), noBrowser: flagOf(raw, 'no-browser') };
  if (startUrl === undefined) {
    if (region !== undefined) {
      throw new UsageError('--sso-region goes with --start-url (first sign-in)', {
        hint: 'rolehop login --start-url URL --sso-region REGION [--sso-session NAME]',
      });
    }
    return { ssoSession: name, newSession: undefined, ...flags };
  }
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
  return { ssoSession: name, newSession: { name: sessionName, startUrl, region }, ...flags };
}

/** Signs in to an sso-session; a first sign-in adds its section once the sign-in succeeded. */
export async function login(input: LoginInput, deps: Deps): Promise<number> {
  const view = loadConfigView(deps.env);
  let session: SsoSessionRef;
  let newSection = false;
  const wanted = input.newSession;
  if (wanted !== undefined) {
    if (ssoSessionSection(view, wanted.name)) {
      session = sessionFromView(view, wanted.name);
      if (session.startUrl !== wanted.startUrl || session.region !== wanted.region) {
        throw new UsageError(
          `sso-session "${wanted.name}" already exists with start URL ${session.startUrl} in ${session.region}`,
          {
            hint: `sign in to it with 'rolehop login --sso-session ${wanted.name}', or pick another --sso-session name`,
          },
        );
      }
    } else {
      session = { ...wanted, scopes: DEFAULT_SCOPES };
      newSection = true;
    }
  } else {
    session = pickSession(view, input.ssoSession);
  }

  const autoDevice = !input.deviceCode && prefersDeviceCode({ env: deps.env });
  if (autoDevice) deps.stderr.write('No display over SSH: using the device-code flow.\n');
  const flow = input.deviceCode || autoDevice ? 'device' : 'pkce';
  const result = await signIn(session, ssoDepsFor(deps, view), { flow, noBrowser: input.noBrowser });

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
}

export const run: CommandRun = (raw, deps) => login(parseLoginInput(raw), deps);
