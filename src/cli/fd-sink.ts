import * as fs from 'node:fs';
import type { TextSink } from '../util/log.ts';

/**
 * Writes to fd 1 or 2 with plain writeSync. Touching process.stdout/stderr loads Node's stream,
 * net and tty modules (~15 ms), more than the whole warm credential path, so the stream is created
 * only when asked for (isTTY) or when the descriptor would block.
 */
export function fdSink(
  fd: 1 | 2,
  stream: () => NodeJS.WriteStream,
): TextSink & { readonly streamed: boolean } {
  let fallback: NodeJS.WriteStream | undefined;
  return {
    /** Whether text went to the stream, which may still hold some: the process must not end at once. */
    get streamed() {
      return fallback !== undefined;
    },
    write(text: string) {
      if (fallback) return fallback.write(text);
      let rest = Buffer.from(text, 'utf8');
      while (rest.length > 0) {
        try {
          rest = rest.subarray(fs.writeSync(fd, rest));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN') {
            fallback = stream();
            return fallback.write(rest);
          }
          if (code === 'EPIPE') return false;
          throw error;
        }
      }
      return true;
    },
    get isTTY() {
      return stream().isTTY === true;
    },
  };
}
