import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';

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
    async waitFor(pattern: RegExp, timeoutMs = options.timeoutMs ?? 30_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = tmux('capture-pane', '-p', '-t', 'main');
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${text}`);
        await delay(50);
      }
    },
  };
}
