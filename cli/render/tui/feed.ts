/**
 * The bridge between the event stream and the view, without React: events are reduced as they
 * come, and listeners are told at most every `minIntervalMs` (10 Hz by default), so a burst of
 * events from 64 ranks costs one render, not one per event.
 */
import type { JobEvent } from '../../../launcher/index.js';
import { initialState, reduce, type Seed, seen, type TuiState } from './state.js';

export class TuiFeed {
  private state: TuiState;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastNotify = 0;

  constructor(
    seed: Seed = {},
    private readonly minIntervalMs = 100,
  ) {
    this.state = initialState(seed);
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
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastNotify + this.minIntervalMs - Date.now());
    this.timer = setTimeout(() => this.notifyNow(), wait);
  }
}
