/**
 * Keeps a running job's record (state.json) and its event stream in step: every event goes to the
 * renderer and the store, and the record is updated from it. Progress updates are written to disk at
 * most every `stateEveryMs`; transitions at once.
 */
import type { EventSink, JobEvent } from './events.js';
import { nextRankState, type RankEvent } from './rank-state.js';
import type { JobWriter } from './store/index.js';
import type { JobRecord, RankRecord } from './store/index.js';

export class JobTracker {
  private lastStateWrite = 0;
  private pendingWrite: NodeJS.Timeout | undefined;
  private readonly rateWindow = new Map<number, { ts: number; step: number }>();

  constructor(
    readonly record: JobRecord,
    private readonly writer: JobWriter,
    private readonly sink: EventSink,
    private readonly clock: () => number,
    private readonly stateEveryMs = 500,
  ) {}

  rank(rank: number): RankRecord {
    return this.record.ranks[rank]!;
  }

  /**
   * Records an event and fans it out. Log lines go to the rank's log file (logs/rank-N.log), where
   * `dtrain logs` and an attached TUI read them; everything else to events.jsonl.
   */
  emit(event: JobEvent): void {
    if (event.type === 'log') this.writer.appendLog(event.rank, event.line);
    else this.writer.appendEvent(event);
    this.sink(event);
  }

  /** Moves a rank through its state machine; writes the record when the state changed. */
  transition(rank: number, event: RankEvent): void {
    const r = this.rank(rank);
    const next = nextRankState(r.state, event);
    if (next !== r.state) {
      r.state = next;
      this.flush();
    }
  }

  /**
   * Notes that a rank was heard from. The record is written soon after (at most every
   * `stateEveryMs`), so readers of state.json — status, an attached TUI — see heartbeats too and can
   * tell a silent rank from a busy one before the heartbeat timeout fires.
   */
  seen(rank: number): void {
    const r = this.record.ranks[rank];
    if (!r) return;
    r.lastSeen = this.clock();
    this.flushSoon();
  }

  /** Notes what a rank's heartbeat said of its main thread (seconds busy, or undefined when it answers). */
  busy(rank: number, seconds: number | undefined): void {
    const r = this.record.ranks[rank];
    if (!r || r.busy === seconds) return;
    if (seconds === undefined) delete r.busy;
    else r.busy = seconds;
    this.flushSoon();
  }

  /** Turns a worker's progress report into a progress event with a rate and an ETA. */
  progress(
    rank: number,
    step: number,
    total: number,
    unit: string,
    samplesPerSec?: number,
    metrics?: Readonly<Record<string, number>>,
  ): void {
    const now = this.clock();
    const r = this.rank(rank);
    const prev = this.rateWindow.get(rank);
    let rate = r.rate ?? 0;
    if (prev && now > prev.ts && step > prev.step) {
      const instant = ((step - prev.step) * 1000) / (now - prev.ts);
      // A smoothed rate keeps the ETA from jumping with every step.
      rate = rate > 0 ? 0.7 * rate + 0.3 * instant : instant;
    }
    if (!prev || step !== prev.step) this.rateWindow.set(rank, { ts: now, step });
    r.step = step;
    r.total = total;
    r.unit = unit;
    r.rate = rate > 0 ? rate : undefined;
    const eta = rate > 0 && total > step ? (total - step) / rate : total <= step ? 0 : undefined;
    this.emit({
      type: 'progress',
      ts: now,
      rank,
      step,
      total,
      unit,
      rate,
      eta,
      samplesPerSec,
      metrics,
    });
    this.flushSoon();
  }

  /** Writes the record now. */
  flush(): void {
    if (this.pendingWrite) clearTimeout(this.pendingWrite);
    this.pendingWrite = undefined;
    this.lastStateWrite = this.clock();
    this.writer.writeState(this.record);
  }

  private flushSoon(): void {
    if (this.pendingWrite) return;
    const wait = Math.max(0, this.lastStateWrite + this.stateEveryMs - this.clock());
    this.pendingWrite = setTimeout(() => this.flush(), wait);
    this.pendingWrite.unref();
  }

  close(): void {
    this.flush();
    this.writer.close();
  }
}
