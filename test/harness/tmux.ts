import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { waitFor } from './poll.ts';

// A real terminal for tests of what a person sees: a tmux session running bash, keys sent, the
// screen read back. Shared by the picker and setup tests.

/** The shells a terminal can run, started without the user's rc files. */
export const SHELLS = {
  bash: ['bash', '--norc', '--noprofile'],
  zsh: ['zsh', '-f'],
  fish: ['fish', '--no-config'],
} as const;

export interface TerminalOptions {
  /** The shell and its arguments (default: bash without rc files). */
  shell?: readonly string[];
  /** Columns (default 160). */
  width?: number;
  /** How long waitFor waits by default (default 30 s). */
  timeoutMs?: number;
}

export function terminal(t: TestContext, env: Record<string, string>, options: TerminalOptions = {}) {
  const socket = `rolehop-tty-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const shellEnv = { ...env, TERM: 'xterm', PS1: '$ ', PROMPT: '$ ' };
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, ...args], { env: shellEnv, encoding: 'utf8' });
  const shell = options.shell ?? SHELLS.bash;
  tmux('new-session', '-d', '-s', 'main', '-x', String(options.width ?? 160), '-y', '40', ...shell);
  t.after(() => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  });
  return {
    send: (...keys: string[]) => tmux('send-keys', '-t', 'main', ...keys),
    screen: () => tmux('capture-pane', '-p', '-t', 'main'),
    waitFor(pattern: RegExp, timeoutMs = options.timeoutMs ?? 30_000): Promise<string> {
      let text = '';
      const screen = () => {
        text = tmux('capture-pane', '-p', '-t', 'main');
        return pattern.test(text) ? text : undefined;
      };
      return waitFor(() => `${pattern}; screen:\n${text}`, screen, timeoutMs, 50);
    },
  };
}
