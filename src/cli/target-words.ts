// ROLEHOP_TARGET: what `rolehop env` exported, as the words of an `env` command line, so the prompt
// hook can run the same export again and `rolehop prompt` can name it. Every word is percent-encoded
// down to characters no shell treats specially, and words are joined by single spaces: the value
// needs no quoting in any shell and splits back exactly. Imports only types and util/ascii.ts:
// `rolehop prompt` loads this.

import type { Selection } from '../creds/selection.ts';
import { onlyOf, WORD } from '../util/ascii.ts';

/** Characters left as they are; everything else becomes %XX of its UTF-8 bytes. */
const PLAIN = `${WORD}.:/=@+,-`;

function encodeWord(word: string): string {
  let out = '';
  for (const ch of word) {
    if (onlyOf(ch, PLAIN)) out += ch;
    else
      for (const byte of new TextEncoder().encode(ch))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  // An empty word must survive the split.
  return out === '' ? '%' : out;
}

function decodeWord(word: string): string {
  if (word === '%') return '';
  return decodeURIComponent(word);
}

export function encodeTargetWords(words: string[]): string {
  return words.map(encodeWord).join(' ');
}

/** The words back; undefined when the text was not written by encodeTargetWords. */
export function decodeTargetWords(text: string): string[] | undefined {
  if (text.trim() === '') return undefined;
  try {
    return text.split(' ').map(decodeWord);
  } catch {
    return undefined;
  }
}

/** A short name for a prompt: the profile, else the last assumed role's name, else the role. */
export function targetDisplayName(words: string[]): string {
  let profile: string | undefined;
  let role: string | undefined;
  let assumed: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--role') role = words[++i];
    else if (w === '--assume') assumed = words[++i]?.split('/').pop();
    else if (w === '--profile') profile = words[++i];
    else if (w.startsWith('--')) i++;
    else profile ??= w;
  }
  return assumed ?? profile ?? role ?? 'rolehop';
}

/**
 * The options of a command line that shape the target, and the Selection field each fills (not
 * --mfa-code: a code is used once).
 */
const TARGET_OPTIONS = [
  ['sso-session', 'ssoSession'],
  ['account', 'account'],
  ['role', 'role'],
  ['assume', 'assume'],
  ['external-id', 'externalId'],
  ['mfa-serial', 'mfaSerial'],
  ['session-name', 'sessionName'],
  ['duration', 'duration'],
  ['source-identity', 'sourceIdentity'],
  ['tag', 'tags'],
] as const;

type PlanNaming = {
  profile?: string;
  source: { kind: string; session?: string; accountId?: string; roleName?: string };
};

/**
 * The words that name the same target again. A profile that came from AWS_PROFILE is written out
 * (env unsets AWS_PROFILE); an account picked in the picker or named by name is written as its id.
 */
export function targetWords(
  input: { selection: Selection; minTtlSeconds?: number },
  plan: PlanNaming,
): string[] {
  const sel = input.selection;
  const words: string[] = [];
  const profile = sel.profile ?? plan.profile;
  if (profile !== undefined) words.push(profile);
  for (const [flag, key] of TARGET_OPTIONS) {
    let value = sel[key];
    if (profile === undefined && plan.source.kind === 'sso') {
      if (key === 'account') value = plan.source.accountId;
      if (key === 'role') value = plan.source.roleName;
      if (key === 'ssoSession') value = plan.source.session ?? value;
    }
    const given = Array.isArray(value)
      ? value
      : typeof value === 'object'
        ? Object.entries(value).map(([k, v]) => `${k}=${v}`)
        : value === undefined
          ? []
          : [String(value)];
    for (const v of given) words.push(`--${flag}`, v);
  }
  if (input.minTtlSeconds !== undefined) words.push('--min-ttl', String(input.minTtlSeconds));
  if (sel.region !== undefined) words.push('--region', sel.region);
  return words;
}
