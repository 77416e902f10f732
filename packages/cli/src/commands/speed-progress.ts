/**
 * The progress display of `sslsocket speed` on stderr.
 * @module
 */
import type { CommandIo } from '../io.js';
import type { Progress } from './speed-measure.js';

/**
 * Progress on stderr: on a terminal one line rewritten in place (a bar per measurement); elsewhere
 * (CI logs, pipes) one finished line per measurement, so logs stay readable.
 */
export class ProgressDisplay {
  private lastDraw = 0;
  constructor(
    private readonly io: CommandIo,
    private readonly tty: boolean,
    private readonly total: number,
  ) {}

  step(index: number, label: string): Progress {
    return (fraction) => {
      if (!this.tty) return;
      const now = performance.now();
      if (fraction < 1 && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = 20;
      const filled = Math.round(fraction * width);
      this.io.stderr(`\r\x1b[K[${index}/${this.total}] ${'#'.repeat(filled)}${'.'.repeat(width - filled)} ${label}`);
    };
  }

  done(index: number, label: string, result: string): void {
    if (this.tty) this.io.stderr(`\r\x1b[K[${index}/${this.total}] ${label}: ${result}`);
    else this.io.stderr(`speed [${index}/${this.total}] ${label}: ${result}\n`);
  }

  /** A line outside the numbered steps: transient on a terminal (`final` false), else one line. */
  line(text: string, final = true): void {
    if (this.tty) this.io.stderr(`\r\x1b[K${text}`);
    else if (final) this.io.stderr(`${text}\n`);
  }

  finish(): void {
    if (this.tty) this.io.stderr('\r\x1b[K');
  }
}
