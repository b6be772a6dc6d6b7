import { styleText } from 'node:util';
import type { Env } from '../util/env.ts';
import type { TextSink } from '../util/log.ts';

// The one place that decides whether text is coloured, per stream: a diff piped to a file or a
// `status` read by a script gets plain text. styleText's own stream check is switched off
// (validateStream: false): it would look at process.stdout, not the stream we write to, and on
// Node 22 before 22.13 the option does not exist and colours are always emitted.

/**
 * --no-color wins; then FORCE_COLOR (as Node and most tools: "0" or "false" turns it off, anything
 * else on, even with NO_COLOR set); then NO_COLOR (any non-empty value); else a terminal, not TERM=dumb.
 */
export function colorOn(stream: Pick<TextSink, 'isTTY'>, env: Env, noColorFlag: boolean): boolean {
  if (noColorFlag) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'bold' | 'dim';
/** Wraps text in a style, or returns it unchanged when colour is off. */
export type Paint = (style: Style, text: string) => string;

export const plain: Paint = (_style, text) => text;
const coloured: Paint = (style, text) => styleText(style, text, { validateStream: false });

/** The painter for one stream of a command: `globals.color` is false under --no-color. */
export function painterFor(stream: Pick<TextSink, 'isTTY'>, env: Env, globals: { color: boolean }): Paint {
  return colorOn(stream, env, !globals.color) ? coloured : plain;
}
