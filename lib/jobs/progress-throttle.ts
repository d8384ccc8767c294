/**
 * Rate-limits live progress (e.g. ComfyUI's sampling steps) on its way to viewers: at most one
 * value per `intervalMs`, always the latest (a trailing send after the window), and at once when
 * the call finishes (`done >= total`) or a new call starts (another iteration, role or stage).
 * Nothing is stored; `cancel()` drops what is pending (the call ended, the run ended).
 */
export interface ProgressValue {
  iteration: number;
  role: string;
  done: number;
  total: number;
  stage?: string;
}

export class ProgressThrottle<T extends ProgressValue> {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private lastKey: string | undefined;
  private pending: T | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (value: T) => void,
    private readonly intervalMs = 250,
    private readonly now: () => number = () => Date.now(),
  ) {}

  push(value: T): void {
    const key = `${value.iteration}:${value.role}:${value.stage ?? ""}`;
    const elapsed = this.now() - this.lastSentAt;
    if (key !== this.lastKey || value.done >= value.total || elapsed >= this.intervalMs) {
      this.cancel();
      this.emit(value, key);
      return;
    }
    this.pending = value;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const latest = this.pending;
      this.pending = undefined;
      if (latest) this.emit(latest, key);
    }, Math.max(0, this.intervalMs - elapsed));
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private emit(value: T, key: string): void {
    this.lastSentAt = this.now();
    this.lastKey = key;
    this.send(value);
  }
}
