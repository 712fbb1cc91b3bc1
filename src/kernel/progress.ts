// Progress lines for long command-line work: a bar redrawn in place on a terminal, and a plain
// line every tenth of the way when the output is a file or a CI log.

export interface Progress {
  update(done: number): void;
  finish(message?: string): void;
}

/** A progress bar for `total` units of work called `label`, written to stderr. */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = Date.now();
  const tty = Boolean(stream.isTTY);
  let lastDecile = -1;
  let lastDraw = 0;
  const line = (done: number) => {
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? Math.max(0, (total - done) / rate) : 0;
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${done}/${total} ${Math.round(rate)}/s ETA ${eta.toFixed(0)}s`;
  };
  return {
    update(done) {
      if (tty) {
        if (Date.now() - lastDraw < 100 && done < total) return;
        lastDraw = Date.now();
        stream.write(`\r${line(done)}`);
        return;
      }
      const decile = total > 0 ? Math.floor((done / total) * 10) : 10;
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${line(done)}\n`);
      }
    },
    finish(message) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      // On a terminal the bar is redrawn complete; in a log the last line already says 100%.
      if (tty) stream.write(`\r${line(total)}\n`);
      else if (lastDecile !== 10) stream.write(`${line(total)}\n`);
      if (message) stream.write(`${message} (${seconds}s)\n`);
    },
  };
}
