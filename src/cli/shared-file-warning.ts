import * as fs from 'node:fs';
import { diagnoseFileMode } from '../config/diagnose.ts';
import type { Deps } from './deps.ts';

/** Writers keep a file's mode, so a credentials file others can read stays so: say it, as doctor does. */
export function warnIfOthersCanRead(file: string, deps: Pick<Deps, 'log'>): void {
  let mode: number;
  try {
    mode = fs.statSync(file).mode;
  } catch {
    return;
  }
  for (const f of diagnoseFileMode(file, mode, `the credentials file ${file}`)) {
    deps.log.warn(`${f.message}; fix with: ${f.fix}`);
  }
}
