// Typed errors; src/cli maps them to the exit codes of design.md in one place (exitCodeOf).

export interface ErrorOptions {
  /** What the user can do about it: printed after the message. */
  hint?: string;
  cause?: unknown;
}

export class RolehopError extends Error {
  readonly exitCode: number = 1;
  readonly hint: string | undefined;
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad command-line usage: exit 2. */
export class UsageError extends RolehopError {
  override readonly exitCode = 2;
}

/** A problem in the user's config or credentials files: exit 1. */
export class ConfigError extends RolehopError {}

/** A file rolehop cannot or will not read or write (full disk, permissions, a device): exit 1, the file left as it was. */
export class FileAccessError extends RolehopError {}

/** No token, an expired or revoked one: exit 3. */
export class SignInRequiredError extends RolehopError {
  override readonly exitCode = 3;
}

/** The identity is not allowed to do this: exit 4. */
export class AccessDeniedError extends RolehopError {
  override readonly exitCode = 4;
}

/** Network failures, 5xx and throttling after retries ran out: exit 5. */
export class NetworkError extends RolehopError {
  override readonly exitCode = 5;
}

/** Ctrl-C or another interruption: exit 130. */
export class InterruptedError extends RolehopError {
  override readonly exitCode = 130;
}

export const EXIT = {
  ok: 0,
  error: 1,
  usage: 2,
  signIn: 3,
  denied: 4,
  network: 5,
  interrupted: 130,
} as const;

export function exitCodeOf(error: unknown): number {
  if (error instanceof RolehopError) return error.exitCode;
  return EXIT.error;
}
