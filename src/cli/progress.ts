import type { Deps } from './deps.ts';

/** A one-line bar redrawn on a terminal; elsewhere, a line at each quarter. */
export function progressBar(stderr: Deps['stderr']): (done: number, total: number) => void {
  let lastDraw = 0;
  let lastQuarter = 0;
  return (done, total) => {
    if (stderr.isTTY) {
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} accounts${done === total ? '\n' : ''}`,
      );
      return;
    }
    const quarter = total === 0 ? 4 : Math.floor((done / total) * 4);
    if (quarter > lastQuarter && quarter > 0) {
      lastQuarter = quarter;
      stderr.write(`listed roles of ${done}/${total} accounts\n`);
    }
  };
}
