/**
 * The bridge between the event stream and the view, without React: events are reduced as they
 * come, and listeners are told at most every `minIntervalMs` (10 Hz by default), so a burst of
 * events from 64 ranks costs one render, not one per event. With `cpuShare`, the interval also
 * follows what drawing costs: four times a second the process's CPU share is measured, and the interval
 * doubles (up to 1 s) while it is over the share and shrinks back while it is well under. A frame
 * of a big job costs Ink a dozen milliseconds, so 64 busy ranks are drawn a few times a second.
 */
import type { JobEvent } from '../../../launcher/index.js';
import { initialState, reduce, type Seed, seen, type TuiState } from './state.js';

export class TuiFeed {
  private state: TuiState;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastNotify = 0;
  private pacer: NodeJS.Timeout | undefined;
  private intervalMs: number;

  constructor(
    seed: Seed = {},
    private readonly minIntervalMs = 100,
    options: { cpuShare?: number; maxIntervalMs?: number } = {},
  ) {
    this.state = initialState(seed);
    this.intervalMs = minIntervalMs;
    const share = options.cpuShare;
    if (share !== undefined) {
      const max = options.maxIntervalMs ?? 1000;
      let cpu = process.cpuUsage();
      let at = performance.now();
      this.pacer = setInterval(() => {
        const used = process.cpuUsage(cpu);
        const now = performance.now();
        const measured = (used.user + used.system) / 1000 / Math.max(1, now - at);
        cpu = process.cpuUsage();
        at = now;
        if (measured > share) this.intervalMs = Math.min(max, this.intervalMs * 2);
        else if (measured < share / 2) this.intervalMs = Math.max(this.minIntervalMs, this.intervalMs / 1.25);
      }, 250);
      this.pacer.unref();
    }
  }

  /** When listeners were last told (Date.now()). */
  get lastNotifyAt(): number {
    return this.lastNotify;
  }

  /** The current least time between renders (ms). */
  get renderInterval(): number {
    return this.intervalMs;
  }

  readonly get = (): TuiState => this.state;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  push(event: JobEvent): void {
    this.state = reduce(this.state, event);
    // The end is shown at once: the caller may unmount right after.
    if (event.type === 'job-end') this.notifyNow();
    else this.schedule();
  }

  /** Heartbeat times from state.json. */
  seen(lastSeen: readonly (number | undefined)[]): void {
    let s = this.state;
    lastSeen.forEach((ts, rank) => {
      s = seen(s, rank, ts);
    });
    if (s !== this.state) {
      this.state = s;
      this.schedule();
    }
  }

  notifyNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.lastNotify = Date.now();
    for (const l of this.listeners) l();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.pacer) clearInterval(this.pacer);
    this.timer = undefined;
    this.pacer = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastNotify + this.intervalMs - Date.now());
    this.timer = setTimeout(() => this.notifyNow(), wait);
  }
}
