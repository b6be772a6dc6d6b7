import { redactText, redactValue } from './redact.ts';
import { terminalSafe } from './terminal-text.ts';

export interface TextSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Logger {
  readonly debugEnabled: boolean;
  /** Only with --debug; secrets are redacted. */
  debug(message: string, data?: unknown): void;
  /** Progress and notices for people, on stderr. */
  info(message: string): void;
  warn(message: string): void;
}

/** Messages quote servers and files: redacted, and stripped of terminal controls. */
export function createLogger(stderr: TextSink, options: { debug?: boolean } = {}): Logger {
  const debugEnabled = options.debug === true;
  const shown = (text: string) => terminalSafe(redactText(text));
  return {
    debugEnabled,
    debug(message, data) {
      if (!debugEnabled) return;
      const suffix = data === undefined ? '' : ` ${JSON.stringify(redactValue(data))}`;
      stderr.write(`debug: ${shown(message)}${terminalSafe(suffix)}\n`);
    },
    info(message) {
      stderr.write(`${shown(message)}\n`);
    },
    warn(message) {
      stderr.write(`warning: ${shown(message)}\n`);
    },
  };
}

export const silentLogger: Logger = {
  debugEnabled: false,
  debug() {},
  info() {},
  warn() {},
};
