// Programs some tests need from outside npm (python packages, shells, a browser, a terminal). A test
// starts with `if (!requires(t, 'zsh')) return;`. On a machine without one the test is skipped with one
// line naming what is missing and how to install it; under ROLEHOP_TEST_REQUIRE_ALL=1 (CI) it fails
// with that line instead, so a run can never pass by skipping. Checks run once per process: a PATH
// lookup, one python3 run that looks for every module at once, and `aws --version` for the AWS CLI.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';

interface Program {
  /** What the test needs, as the skip line names it. */
  what: string;
  /** What installs it: a Debian package or pip packages. */
  apt?: string;
  pip?: string[];
  /** Present when each given part holds: on PATH, importable by python3, `--version` says so. */
  command?: string;
  pythonModules?: string[];
  version?: RegExp;
}

const PROGRAMS = {
  python3: { what: 'python3', apt: 'python3', command: 'python3' },
  botocore: { what: 'python3 with botocore', pip: ['botocore'], pythonModules: ['botocore'] },
  boto3: { what: 'python3 with boto3', pip: ['boto3'], pythonModules: ['boto3'] },
  dotenv: {
    what: 'python3 with python-dotenv',
    pip: ['python-dotenv'],
    pythonModules: ['dotenv'],
  },
  // moto's server mode needs its [server] extra (flask, flask-cors).
  moto: {
    what: 'python3 with moto',
    pip: ["'moto[server]'", 'boto3'],
    pythonModules: ['moto', 'boto3', 'flask', 'flask_cors'],
  },
  // The python AWS CLI: tests import awscli and run `aws`; Debian's v2 (2.9) is too old to read
  // AWS_ENDPOINT_URL_<SERVICE>, so it cannot stand in.
  awscli: {
    what: 'the AWS CLI v1 first on PATH',
    pip: ['awscli'],
    command: 'aws',
    pythonModules: ['awscli'],
    version: /^aws-cli\/1\./,
  },
  // Debian's package is the AWS CLI v2 (2.9); tests call it by its full path, behind the v1 on PATH.
  awscliV2: {
    what: "the AWS CLI v2 at /usr/bin/aws (Debian's awscli)",
    apt: 'awscli',
    command: '/usr/bin/aws',
    version: /^aws-cli\/2\./,
  },
  chromium: { what: 'chromium', apt: 'chromium', command: 'chromium' },
  tmux: { what: 'tmux', apt: 'tmux', command: 'tmux' },
  bash: { what: 'bash', apt: 'bash', command: 'bash' },
  zsh: { what: 'zsh', apt: 'zsh', command: 'zsh' },
  fish: { what: 'fish', apt: 'fish', command: 'fish' },
  sh: { what: 'sh', apt: 'dash', command: 'sh' },
  dash: { what: 'dash', apt: 'dash', command: 'dash' },
  faketime: { what: 'faketime', apt: 'faketime', command: 'faketime' },
} satisfies Record<string, Program>;

export type ProgramName = keyof typeof PROGRAMS;

/** The switch CI sets: a missing program fails the test instead of skipping it. */
const requireAll = process.env.ROLEHOP_TEST_REQUIRE_ALL === '1';

const found = new Map<string, string | undefined>();

/** The executable `command` resolves to on this process's PATH, as `command -v` would find it. */
export function which(command: string): string | undefined {
  if (!found.has(command)) {
    let hit: string | undefined;
    const candidates = path.isAbsolute(command)
      ? [command]
      : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir || '.', command));
    for (const file of candidates) {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        if (fs.statSync(file).isFile()) {
          hit = file;
          break;
        }
      } catch {}
    }
    found.set(command, hit);
  }
  return found.get(command);
}

// A probe that does not answer in time (a loaded machine) finds nothing missing: the test then runs
// and reports what is wrong itself, instead of a false "needs" line.
const PROBE_TIMEOUT_MS = 120_000;

let pythonModulesFound: Set<string> | 'unknown' | undefined;

/** The modules python3 can import, looked up once for every module any program needs. */
function pythonModules(): Set<string> | 'unknown' {
  if (pythonModulesFound) return pythonModulesFound;
  const wanted = Object.values(PROGRAMS).flatMap((p: Program) => p.pythonModules ?? []);
  // find_spec locates a top-level module without importing it: milliseconds, not moto's seconds.
  const r = which('python3')
    ? spawnSync(
        'python3',
        [
          '-c',
          'import importlib.util, sys\nprint(" ".join(m for m in sys.argv[1:] if importlib.util.find_spec(m)))',
          ...wanted,
        ],
        { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS },
      )
    : undefined;
  if (r?.error || r?.signal) pythonModulesFound = 'unknown';
  else pythonModulesFound = new Set(r?.status === 0 ? r.stdout.trim().split(/\s+/) : []);
  return pythonModulesFound;
}

const versions = new Map<string, string | undefined>();

/** What `command --version` prints (undefined when it did not answer), run once per command. */
function versionOf(command: string): string | undefined {
  if (!versions.has(command)) {
    const r = spawnSync(which(command)!, ['--version'], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS });
    versions.set(command, r.error || r.signal ? undefined : `${r.stdout}${r.stderr}`);
  }
  return versions.get(command);
}

function present(p: Program): boolean {
  if (p.command !== undefined && which(p.command) === undefined) return false;
  if (p.pythonModules) {
    const modules = pythonModules();
    if (modules !== 'unknown' && !p.pythonModules.every((m) => modules.has(m))) return false;
  }
  if (!p.command || !p.version) return true;
  const version = versionOf(p.command);
  return version === undefined || p.version.test(version);
}

/** One line naming the missing programs and the commands that install them; undefined when none is. */
export function missing(...names: ProgramName[]): string | undefined {
  const absent = names.map((name) => PROGRAMS[name] as Program).filter((program) => !present(program));
  if (absent.length === 0) return undefined;
  const apt = new Set(absent.flatMap((p) => (p.apt ? [p.apt] : [])));
  const pip = new Set(absent.flatMap((p) => p.pip ?? []));
  const install = [
    apt.size > 0 ? `apt-get install -y ${[...apt].join(' ')}` : '',
    pip.size > 0 ? `pip install ${[...pip].join(' ')}` : '',
  ].filter(Boolean);
  return `needs ${absent.map((p) => p.what).join(', ')}: ${install.join(' and ')}`;
}

/**
 * The first line of a test that needs `names`: true when all are present. Otherwise it skips the test
 * with the line and returns false (the test then returns), or under ROLEHOP_TEST_REQUIRE_ALL=1 throws
 * the line so the test fails.
 */
export function requires(t: TestContext, ...names: ProgramName[]): boolean {
  const line = missing(...names);
  if (line === undefined) return true;
  skipOrFail(t, line);
  return false;
}

/** Skips the test with `line`, or under ROLEHOP_TEST_REQUIRE_ALL=1 fails it: for needs `requires` cannot name. */
export function skipOrFail(t: TestContext, line: string): void {
  if (requireAll) throw new Error(line);
  t.skip(line);
}

/** For harness helpers: fails at once with the line, not after a slow start-up that hides the cause. */
export function assertPresent(...names: ProgramName[]): void {
  const line = missing(...names);
  if (line !== undefined) throw new Error(line);
}

/**
 * Whether another user (tests run some children as nobody) can reach `file`: every folder above it
 * must be searchable by others. A checkout in a 0700 folder (mktemp -d) is not; such tests skip.
 */
export function othersCanReach(file: string): boolean {
  for (let dir = path.dirname(path.resolve(file)); ; dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}
