import { InterruptedError } from '../util/errors.ts';
import type { TextSink } from '../util/log.ts';
import { terminalSafe } from '../util/terminal-text.ts';

// An interactive fuzzy picker over account × role: type to filter, arrows to move, Enter to pick,
// Esc or Ctrl-C to cancel. Drawn on stderr so `eval "$(rolehop env)"` still captures only exports.

export interface PickerItem<T> {
  label: string;
  value: T;
  /** What typing matches instead of the label (the label plus e.g. the account's email), lower case. */
  search?: string;
}

export interface PickerTerminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  output: TextSink;
  /** Visible rows for items (default 10). */
  rows?: number;
}

/**
 * How well `query` matches `text`: lower is better, undefined for no match. Each space-separated
 * term must appear in order as a substring (best) or as a subsequence.
 */
export function matchScore(text: string, query: string): number | undefined {
  return scoreTerms(text.toLowerCase(), query.toLowerCase().split(/\s+/).filter(Boolean));
}

/** A word starts after anything but a letter, digit or underscore. */
function atWordStart(hay: string, at: number): boolean {
  if (at === 0) return true;
  const c = hay.charCodeAt(at - 1);
  return !((c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95);
}

function scoreTerms(hay: string, terms: string[]): number | undefined {
  let score = 0;
  for (const term of terms) {
    const at = hay.indexOf(term);
    if (at >= 0) {
      score += atWordStart(hay, at) ? 0 : 1;
      continue;
    }
    let i = 0;
    let gaps = 0;
    for (const ch of term) {
      const next = hay.indexOf(ch, i);
      if (next < 0) return undefined;
      if (next > i) gaps++;
      i = next + 1;
    }
    score += 10 + gaps;
  }
  return score;
}

export function filterItems<T>(items: PickerItem<T>[], query: string): PickerItem<T>[] {
  if (!query.trim()) return items;
  // Split and lower the query once: this runs over every target on every keystroke.
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  const scored: { item: PickerItem<T>; score: number; index: number }[] = [];
  items.forEach((item, index) => {
    const score = scoreTerms(item.search ?? item.label.toLowerCase(), terms);
    if (score !== undefined) scored.push({ item, score, index });
  });
  scored.sort((a, b) => a.score - b.score || a.index - b.index);
  return scored.map((s) => s.item);
}

type Key =
  | { kind: 'char'; text: string }
  | { kind: 'enter' | 'cancel' | 'up' | 'down' | 'backspace' | 'clear' | 'pageup' | 'pagedown' };

/** Splits one chunk of raw terminal input into keys (tmux and pastes deliver several at once). */
export function parseKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  for (let i = 0; i < chunk.length; ) {
    const rest = chunk.slice(i);
    const seq = /^\x1b(?:\[|O)([ABCD]|5~|6~)/.exec(rest);
    if (seq) {
      const code = seq[1];
      if (code === 'A') keys.push({ kind: 'up' });
      else if (code === 'B') keys.push({ kind: 'down' });
      else if (code === '5~') keys.push({ kind: 'pageup' });
      else if (code === '6~') keys.push({ kind: 'pagedown' });
      i += seq[0].length;
      continue;
    }
    const ch = chunk[i]!;
    i++;
    if (ch === '\r' || ch === '\n') keys.push({ kind: 'enter' });
    else if (ch === '\x1b' || ch === '\x03' || ch === '\x04') keys.push({ kind: 'cancel' });
    else if (ch === '\x7f' || ch === '\b') keys.push({ kind: 'backspace' });
    else if (ch === '\x15') keys.push({ kind: 'clear' });
    else if (ch === '\x10' || ch === '\x0b')
      keys.push({ kind: 'up' }); // Ctrl-P, Ctrl-K
    else if (ch === '\x0e')
      keys.push({ kind: 'down' }); // Ctrl-N
    else if (ch >= ' ') keys.push({ kind: 'char', text: ch });
  }
  return keys;
}

/** Runs the picker; resolves the chosen value, rejects with InterruptedError (exit 130) on cancel. */
export function pick<T>(prompt: string, items: PickerItem<T>[], term: PickerTerminal): Promise<T> {
  const rows = term.rows ?? 10;
  let query = '';
  let selected = 0;
  let top = 0;
  let shown = items;

  const draw = () => {
    if (selected >= shown.length) selected = Math.max(0, shown.length - 1);
    if (selected < top) top = selected;
    if (selected >= top + rows) top = selected - rows + 1;
    const lines = [`? ${prompt} ${query}`];
    for (let i = top; i < Math.min(shown.length, top + rows); i++) {
      // Labels quote the portal (account names): no terminal controls get through.
      lines.push(`${i === selected ? '❯' : ' '} ${terminalSafe(shown[i]!.label)}`);
    }
    lines.push(
      shown.length === 0
        ? '  no match (Backspace to widen)'
        : `  ${shown.length}/${items.length}  ↑↓ move · Enter select · Esc cancel`,
    );
    // The cursor rests on the prompt line: clear below, redraw, move back after the query.
    term.output.write(
      `\r\x1b[J${lines.join('\r\n')}\x1b[${lines.length - 1}A\r\x1b[${2 + prompt.length + 1 + query.length}C`,
    );
  };
  const erase = () => term.output.write('\r\x1b[J');

  return new Promise<T>((resolve, reject) => {
    const raw = typeof term.input.setRawMode === 'function';
    const finish = (fn: () => void) => {
      term.input.off('data', onData);
      if (raw) term.input.setRawMode!(false);
      term.input.pause();
      erase();
      fn();
    };
    const onData = (data: Buffer | string) => {
      for (const key of parseKeys(data.toString())) {
        switch (key.kind) {
          case 'char':
            query += key.text;
            shown = filterItems(items, query);
            selected = 0;
            break;
          case 'backspace':
          case 'clear':
            query = key.kind === 'clear' ? '' : query.slice(0, -1);
            shown = filterItems(items, query);
            selected = 0;
            break;
          case 'up':
            selected = Math.max(0, selected - 1);
            break;
          case 'down':
            selected = Math.min(shown.length - 1, selected + 1);
            break;
          case 'pageup':
            selected = Math.max(0, selected - rows);
            break;
          case 'pagedown':
            selected = Math.min(shown.length - 1, selected + rows);
            break;
          case 'enter': {
            const chosen = shown[selected];
            if (!chosen) break;
            finish(() => resolve(chosen.value));
            return;
          }
          case 'cancel':
            finish(() => reject(new InterruptedError('cancelled: nothing was selected')));
            return;
        }
      }
      draw();
    };
    if (raw) term.input.setRawMode!(true);
    term.input.on('data', onData);
    term.input.resume();
    draw();
  });
}
