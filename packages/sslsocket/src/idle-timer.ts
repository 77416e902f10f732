/**
 * The `idleTimeoutMs` option: fires once no traffic was seen for `ms`. Traffic only records a time
 * (no timer is re-armed per record); the single timer checks the time when it fires and re-arms
 * for the rest of the period. Unreferenced: an idle timer alone never keeps a process alive.
 */
export class IdleTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private last = 0;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  /** Traffic was seen: the deadline moves to now + ms. Starts the timer on first use. */
  touch(): void {
    this.last = Date.now();
    if (this.timer === undefined) this.arm(this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(delay: number): void {
    this.timer = setTimeout(() => {
      const quiet = Date.now() - this.last;
      if (quiet >= this.ms) {
        this.timer = undefined;
        this.onIdle();
      } else this.arm(this.ms - quiet);
    }, delay);
    (this.timer as { unref?: () => void }).unref?.();
  }
}
