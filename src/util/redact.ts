// Secrets seen at run time are registered here so that every log line and error message can be
// scrubbed of them, wherever they came from.

const secrets = new Set<string>();
const SECRET_KEY = /secret|token|password|sessionkey|verifier|^code$|authorization/i;
const MASK = '****';

/** Remember a value that must never be printed (ignored when too short to be a secret). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 8) secrets.add(value);
}

export function redactText(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** A deep copy with secret-looking keys masked and registered secrets scrubbed from strings. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '…';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? MASK : redactValue(v, depth + 1);
    }
    return out;
  }
  return value;
}
