/**
 * The gang: every rank process the launcher started, with its exit. Stopping the gang is all or
 * nothing: SIGTERM (and SIGCONT, so a frozen rank acts on it) to every rank, SIGKILL after a grace,
 * and never waiting on a rank that cannot be reached.
 */
import type { RankExit, RankProcess } from '../transports/index.js';

export class Gang {
  private readonly procs = new Map<number, RankProcess>();
  private readonly exits = new Map<number, Promise<void>>();

  /** Adds a started rank; `onExit` runs once when its process ends. */
  add(proc: RankProcess, onExit: (exit: RankExit) => void): void {
    this.procs.set(proc.rank, proc);
    this.exits.set(
      proc.rank,
      proc.exited.then((exit) => onExit(exit)),
    );
  }

  get size(): number {
    return this.procs.size;
  }

  /** Ranks started so far. */
  ranks(): number[] {
    return [...this.procs.keys()];
  }

  /**
   * Stops every rank and resolves once the reachable ones have exited (their `onExit` has run), or
   * a second after the SIGKILL grace. `unreachable(rank)` names ranks behind a cut link: they can
   * neither be killed nor report their exit, and stop by themselves when the coordinator goes quiet.
   */
  async stop(graceMs: number, unreachable: (rank: number) => boolean): Promise<void> {
    for (const p of this.procs.values()) {
      p.kill('SIGTERM');
      // A frozen (SIGSTOPped) rank only acts on the SIGTERM once it runs again.
      p.kill('SIGCONT');
    }
    const grace = setTimeout(() => {
      for (const p of this.procs.values()) p.kill('SIGKILL');
    }, graceMs);
    // Waiting for an unreachable rank would hold the whole job hostage.
    let giveUp: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      giveUp = setTimeout(resolve, graceMs + 1000);
    });
    const reachable = [...this.exits].filter(([rank]) => !unreachable(rank)).map(([, e]) => e);
    await Promise.race([Promise.all(reachable), late]);
    clearTimeout(grace);
    clearTimeout(giveUp);
  }
}

/** The last lines a rank wrote to stderr, for the message that names its crash. */
export class StderrTails {
  private readonly tails = new Map<number, string[]>();

  constructor(private readonly keep = 20) {}

  add(rank: number, line: string): void {
    const tail = this.tails.get(rank) ?? [];
    tail.push(line);
    if (tail.length > this.keep) tail.shift();
    this.tails.set(rank, tail);
  }

  last(rank: number, n: number): string[] {
    return (this.tails.get(rank) ?? []).slice(-n);
  }
}
