/**
 * The root cause of a job's end: the first real failure across the gang, as torchelastic reports it.
 * A failure that is usually a symptom of another rank's (a lost connection, a peer gone) waits a
 * moment for the real cause to show; a real failure or a stop request names itself at once. Once a
 * cause is named nothing replaces it, and naming it starts the gang stop (via `onNamed`).
 */
import type { ErrorCode } from '../../configs/error-codes.js';

export interface Cause {
  readonly message: string;
  readonly state: 'failed' | 'stopped';
  /** The failure's code; its category gives the exit code and whether a restart may help. */
  readonly code: ErrorCode;
  /** What to do about it, when known (e.g. the command that trusts a host key). */
  readonly detail?: string;
}

/** Failures that are symptoms of another rank's failure wait this long for the real cause to show. */
export const SYMPTOM_GRACE_MS = 1000;

export class RootCause {
  private cause: Cause | undefined;
  private symptom: { readonly cause: Cause; readonly timer: NodeJS.Timeout } | undefined;

  constructor(private readonly onNamed: (cause: Cause) => void) {}

  /** A cause is named: the gang is stopping (or never started). */
  get named(): boolean {
    return this.cause !== undefined;
  }

  /** Names `cause` unless one is named already; the first wins. */
  stop(cause: Cause): void {
    if (this.cause) return;
    this.cause = cause;
    if (this.symptom) clearTimeout(this.symptom.timer);
    this.onNamed(cause);
  }

  /** A failure; a symptom names itself only if nothing better shows within SYMPTOM_GRACE_MS. */
  fail(message: string, isSymptom = false, code: ErrorCode = 'E_WORKER'): void {
    const cause: Cause = { message, state: 'failed', code };
    if (this.cause) return;
    if (!isSymptom) {
      this.stop(cause);
      return;
    }
    if (this.symptom) return;
    this.symptom = { cause, timer: setTimeout(() => this.stop(cause), SYMPTOM_GRACE_MS) };
  }

  /** Records a failure after the gang ended (fetching results), without stopping anything. */
  late(cause: Cause): void {
    this.cause ??= cause;
  }

  /** How the job ended: the named cause, else a symptom still waiting, else none (success). */
  final(): Cause | undefined {
    return this.cause ?? this.symptom?.cause;
  }

  dispose(): void {
    if (this.symptom) clearTimeout(this.symptom.timer);
  }
}
