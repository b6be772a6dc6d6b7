// The `credential_process` value rolehop writes: a command that works from any directory and that
// botocore (shlex-style split), the JS SDK (/bin/sh) and the Go/Java SDKs split into the same argv.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Env } from '../util/env.ts';

/** POSIX single quotes when needed: shlex.split and /bin/sh both give back the exact string. */
export function quoteArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'"'"'`)}'`;
}

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface RolehopInvocation {
  env: Env;
  /** The running node binary and bin script (used when `rolehop` is not on PATH). */
  execPath: string;
  script: string;
}

/** `rolehop credential-process ARGS…` when rolehop is on PATH, else `'/abs/node' '/abs/bin/rolehop.cjs' …`. */
export function credentialProcessLine(args: string[], how: RolehopInvocation): string {
  const head = findOnPath('rolehop', how.env)
    ? ['rolehop']
    : [quoteArg(path.resolve(how.execPath)), quoteArg(path.resolve(how.script))];
  return [...head, 'credential-process', ...args.map(quoteArg)].join(' ');
}
