import { redactText, redactValue } from './redact.ts';

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

export function createLogger(stderr: TextSink, options: { debug?: boolean } = {}): Logger {
  const debugEnabled = options.debug === true;
  return {
    debugEnabled,
    debug(message, data) {
      if (!debugEnabled) return;
      const suffix = data === undefined ? '' : ` ${JSON.stringify(redactValue(data))}`;
      stderr.write(`debug: ${redactText(message)}${suffix}\n`);
    },
    info(message) {
      stderr.write(`${redactText(message)}\n`);
    },
    warn(message) {
      stderr.write(`warning: ${redactText(message)}\n`);
    },
  };
}

export const silentLogger: Logger = {
  debugEnabled: false,
  debug() {},
  info() {},
  warn() {},
};
