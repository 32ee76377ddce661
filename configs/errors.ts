/**
 * The one error type of dtrain. Every failure that reaches a user is a DtrainError with a stable
 * `code`, a category that decides the exit code, and an optional `cause`. The message is one short
 * line (what failed, where); `detail` holds what follows it.
 */
export type ErrorCategory = 'config' | 'infra' | 'worker' | 'internal' | 'interrupted';

/** Exit codes, one table for the whole tool (DESIGN.md §1). */
export const EXIT = {
  ok: 0,
  jobFailed: 1,
  badInput: 2,
  infra: 3,
  internal: 4,
  interrupted: 130,
} as const;

const exitByCategory: Record<ErrorCategory, number> = {
  config: EXIT.badInput,
  infra: EXIT.infra,
  worker: EXIT.jobFailed,
  internal: EXIT.internal,
  interrupted: EXIT.interrupted,
};

export interface DtrainErrorOptions {
  readonly category: ErrorCategory;
  readonly detail?: string;
  readonly cause?: unknown;
}

export class DtrainError extends Error {
  override readonly name = 'DtrainError';
  readonly code: string;
  readonly category: ErrorCategory;
  readonly detail: string | undefined;

  constructor(code: string, message: string, options: DtrainErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = options.category;
    this.detail = options.detail;
  }

  get exitCode(): number {
    return exitByCategory[this.category];
  }
}

/** The exit code for anything thrown: DtrainErrors map by category, everything else is internal. */
export function exitCodeOf(error: unknown): number {
  return error instanceof DtrainError ? error.exitCode : EXIT.internal;
}
