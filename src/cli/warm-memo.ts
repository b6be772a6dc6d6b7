import { homeDir, joinPath, rolehopCacheDir } from '../config/paths.ts';
import { readIfRegular } from '../config/regular-file.ts';
import { fnv1a64, fnv1a64Bytes } from '../creds/cache-file.ts';
import type { Selection } from '../creds/selection.ts';
import type { Env } from '../util/env.ts';
import { readPrivateFile } from '../util/private-file.ts';
import type { AnswerShape } from './warm-answer.ts';

// The warm memo: what resolving a selection came to (the last step's cache key, and what an answer
// takes beside credentials), so that the next call with the same inputs answers a cache hit without
// reading the config files into a view or resolving a plan (cli/warm-hit.ts). Resolution is a
// function of the selection, the files' bytes, the environment variables it reads and the user, so
// the memo holds all four and serves only while each is as it was: every variable read (an unset one
// too), a digest of each file's bytes. No secret is kept: the plan names roles, never keys, and a
// credentials file is kept as its digest only. One memo per selection, shared by the three commands.

const MEMO_VERSION = 1;
declare const ROLEHOP_RESOLVER: string | undefined;
/** The build that resolves (scripts/build.mjs): another build's memo may hold another answer. */
const RESOLVER = typeof ROLEHOP_RESOLVER === 'string' ? ROLEHOP_RESOLVER : 'source';

export interface WarmMemo extends AnswerShape {
  version: number;
  resolver: string;
  /** The selection it answers, as selectionKey writes it (its file is named by a hash of this). */
  selection: string;
  /** Whose run wrote it (the default session name is the user's, os.userInfo, not only the env's). */
  uid: number;
  /** Each environment variable the resolution read, and its value then (null: unset). */
  env: Array<[name: string, value: string | null]>;
  /** Each file the view was read from, and fnv1a64Bytes of its bytes then (null: none there). */
  files: Array<[path: string, digest: string | null]>;
  /** The last step's cache key and description (creds/step-key.ts). */
  key: string;
  description: string;
}

/** The environment as resolution sees it, recording each variable it reads. */
export interface RecordingEnv {
  env: Env;
  reads: Map<string, string | undefined>;
  /** The variables were listed (a spread, Object.keys): what was read is unknown, so nothing is kept. */
  listed: boolean;
}

export function recordingEnv(env: Env): RecordingEnv {
  const recording: RecordingEnv = { env, reads: new Map(), listed: false };
  const read = (name: string | symbol) => {
    const value = Reflect.get(env, name) as string | undefined;
    if (typeof name === 'string') recording.reads.set(name, value);
    return value;
  };
  recording.env = new Proxy(env, {
    get: (_target, name) => read(name),
    has: (target, name) => {
      read(name);
      return Reflect.has(target, name);
    },
    getOwnPropertyDescriptor: (target, name) => {
      read(name);
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
    ownKeys: (target) => {
      recording.listed = true;
      return Reflect.ownKeys(target);
    },
  });
  return recording;
}

function selectionKey(sel: Selection): string {
  return JSON.stringify([sel.profile ?? null, sel.ssoSession ?? null, sel.account ?? null, sel.role ?? null]);
}

function memoFile(env: Env, selection: string): string {
  return joinPath(rolehopCacheDir(env), `warm-${fnv1a64(selection)}.json`);
}

function uid(): number {
  return process.getuid?.() ?? -1; // no uids on Windows
}

/** A file's digest as the memo keeps it; undefined (never equal to a kept one) when it cannot be read. */
function fileDigest(file: string): string | null | undefined {
  try {
    const read = readIfRegular(file);
    return read ? fnv1a64Bytes(read.bytes) : null;
  } catch {
    return undefined;
  }
}

function isPairs(value: unknown, second: (v: unknown) => boolean): boolean {
  return (
    Array.isArray(value) &&
    value.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && second(p[1]))
  );
}
const stringOrNull = (v: unknown) => v === null || typeof v === 'string';

/** The memo for `sel` when one is kept and every input it holds is as it was, else undefined. */
export function readMemo(env: Env, sel: Selection): WarmMemo | undefined {
  const selection = selectionKey(sel);
  const bytes = readPrivateFile(memoFile(env, selection), homeDir(env));
  if (!bytes) return undefined;
  let memo: WarmMemo;
  try {
    memo = JSON.parse(bytes.toString('utf8')) as WarmMemo;
  } catch {
    return undefined;
  }
  if (
    memo?.version !== MEMO_VERSION ||
    memo.resolver !== RESOLVER ||
    memo.selection !== selection ||
    memo.uid !== uid() ||
    typeof memo.key !== 'string' ||
    typeof memo.description !== 'string' ||
    typeof memo.label !== 'string' ||
    typeof memo.target !== 'string' ||
    (memo.region !== undefined && typeof memo.region !== 'string') ||
    !isPairs(memo.env, stringOrNull) ||
    !isPairs(memo.files, stringOrNull)
  ) {
    return undefined;
  }
  for (const [name, value] of memo.env) if ((env[name] ?? null) !== value) return undefined;
  for (const [file, digest] of memo.files) if (fileDigest(file) !== digest) return undefined;
  return memo;
}

/**
 * What to keep of resolving `sel` (the file and its text), or undefined when the resolution listed
 * the environment. `env` unrecorded: it says where the memo goes, not what the resolution read.
 */
export function memoOf(
  sel: Selection,
  recorded: RecordingEnv,
  files: Array<{ path: string; bytes?: Buffer | undefined }>,
  step: { key: string; description: string },
  shape: AnswerShape,
  env: Env,
): { file: string; text: string; home: string } | undefined {
  if (recorded.listed) return undefined;
  const selection = selectionKey(sel);
  const memo: WarmMemo = {
    version: MEMO_VERSION,
    resolver: RESOLVER,
    selection,
    uid: uid(),
    env: [...recorded.reads].map(([name, value]) => [name, value ?? null]),
    files: files.map((f) => [f.path, f.bytes ? fnv1a64Bytes(f.bytes) : null]),
    key: step.key,
    description: step.description,
    label: shape.label,
    ...(shape.region !== undefined ? { region: shape.region } : {}),
    target: shape.target,
  };
  return { file: memoFile(env, selection), text: `${JSON.stringify(memo)}\n`, home: homeDir(env) };
}
