// A small unified diff (Myers' O(ND) algorithm) for showing what configure/populate change.
// Secret values are masked before diffing, so a diff can be printed anywhere.

import type { Env } from '../util/env.ts';
import type { TextSink } from '../util/log.ts';
import { type Paint, painterFor, plain } from './color.ts';

const SECRET_LINE = /^(\s*(?:aws_access_key_id|aws_secret_access_key|aws_session_token)\s*=).*$/i;

export function maskSecretLine(line: string): string {
  return line.replace(SECRET_LINE, '$1 ********');
}

type Op = { kind: ' ' | '-' | '+'; text: string };

/** The edit script between a and b; beyond `maxEdits` differences it falls back to delete-all/add-all. */
function editScript(a: string[], b: string[], maxEdits = 20_000): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: Op[] = a.slice(0, start).map((text) => ({ kind: ' ', text }));
  const tail: Op[] = a.slice(endA).map((text) => ({ kind: ' ', text }));
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const n = x.length;
  const m = y.length;
  const all = (): Op[] => [
    ...x.map((text): Op => ({ kind: '-', text })),
    ...y.map((text): Op => ({ kind: '+', text })),
  ];
  if (n === 0 || m === 0) return [...head, ...all(), ...tail];
  const max = Math.min(n + m, maxEdits);
  const offset = max;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let i =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let j = i - k;
      while (i < n && j < m && x[i] === y[j]) {
        i++;
        j++;
      }
      v[offset + k] = i;
      if (i >= n && j >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return [...head, ...all(), ...tail];
  // Walk the trace back from (n, m); trace[d] holds the furthest points after d - 1 edits.
  const ops: Op[] = [];
  let i = n;
  let j = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d]!;
    const k = i - j;
    const prevK = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!) ? k + 1 : k - 1;
    const prevI = d === 0 ? 0 : vd[offset + prevK]!;
    const prevJ = d === 0 ? 0 : prevI - prevK;
    while (i > prevI && j > prevJ) {
      ops.push({ kind: ' ', text: x[--i]! });
      j--;
    }
    if (d === 0) break;
    if (i === prevI) ops.push({ kind: '+', text: y[--j]! });
    else ops.push({ kind: '-', text: x[--i]! });
  }
  ops.reverse();
  return [...head, ...ops, ...tail];
}

function splitText(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map(maskSecretLine);
}

/** A unified diff with `context` lines around each change; empty when nothing changed. */
export function unifiedDiff(before: string, after: string, file: string, context = 3): string {
  const ops = editScript(splitText(before), splitText(after));
  if (!ops.some((o) => o.kind !== ' ')) return '';
  const out = [`--- ${file}`, `+++ ${file}`];
  let idx = 0;
  // Line numbers before each op.
  const posA: number[] = [];
  const posB: number[] = [];
  let la = 1;
  let lb = 1;
  for (const op of ops) {
    posA.push(la);
    posB.push(lb);
    if (op.kind !== '+') la++;
    if (op.kind !== '-') lb++;
  }
  while (idx < ops.length) {
    while (idx < ops.length && ops[idx]!.kind === ' ') idx++;
    if (idx >= ops.length) break;
    const start = Math.max(0, idx - context);
    let end = idx;
    // Extend while the next change is within 2×context lines.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) {
        end = next;
        continue;
      }
      end = Math.min(ops.length, end + context);
      break;
    }
    const hunk = ops.slice(start, end);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    const startA = countA === 0 ? posA[start]! - 1 : posA[start]!;
    const startB = countB === 0 ? posB[start]! - 1 : posB[start]!;
    out.push(`@@ -${startA},${countA} +${startB},${countB} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.text}`);
    idx = end;
  }
  return `${out.join('\n')}\n`;
}

/** Red removed / green added lines, as `git diff` shows them; plain when colour is off. */
export function paintDiff(diff: string, paint: Paint): string {
  if (paint === plain) return diff;
  return diff.replace(/^.*$/gm, (line) => {
    if (line.startsWith('--- ') || line.startsWith('+++ ')) return paint('bold', line);
    if (line.startsWith('@@')) return paint('cyan', line);
    if (line.startsWith('-')) return paint('red', line);
    if (line.startsWith('+')) return paint('green', line);
    return line;
  });
}

export interface ShownChange {
  path: string;
  changed: boolean;
  before: string;
  after: string;
}

/**
 * Tells what a write changed: a dry run prints the diff on stdout (a result); a real write shows it
 * on stderr unless `diffOnWrite` is false, then one line per file.
 */
export function reportChanges(
  changes: ShownChange[],
  deps: { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown } },
  options: {
    dryRun: boolean;
    what: string;
    diffOnWrite?: boolean;
    /** Painters for the two streams (color.ts painterFor); plain when omitted. */
    paint?: { stdout: Paint; stderr: Paint };
  },
): void {
  const changed = changes.filter((c) => c.changed);
  for (const c of changed) {
    const diff = unifiedDiff(c.before, c.after, c.path);
    if (options.dryRun) deps.stdout.write(paintDiff(diff, options.paint?.stdout ?? plain));
    else if (options.diffOnWrite !== false)
      deps.stderr.write(paintDiff(diff, options.paint?.stderr ?? plain));
  }
  if (changed.length === 0) {
    deps.stderr.write(`${options.what} is up to date; nothing written\n`);
  } else if (options.dryRun) {
    deps.stderr.write(`dry run: ${changed.map((c) => c.path).join(' and ')} not written\n`);
  } else {
    deps.stderr.write(`${options.what}: wrote ${changed.map((c) => c.path).join(' and ')}\n`);
  }
}

/** The painters a command's diff uses: each stream coloured only if it is a terminal (color.ts). */
export function diffPainters(
  input: { globals: { color: boolean } },
  deps: { env: Env; stdout: TextSink; stderr: TextSink },
): { stdout: Paint; stderr: Paint } {
  return {
    stdout: painterFor(deps.stdout, deps.env, input.globals),
    stderr: painterFor(deps.stderr, deps.env, input.globals),
  };
}
