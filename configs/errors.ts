/**
 * The one error type of dtrain. Every failure that reaches a user is a DtrainError with a stable
 * `code` from the table in error-codes.ts, which gives its category and exit code, and an optional
 * `cause`. The message is one short line (what failed, where); `detail` holds what follows it.
 */
import {
  type CategoryOf,
  categoryOf,
  type ErrorCategory,
  type ErrorCode,
  EXIT,
  exitCodeFor,
} from './error-codes.js';

export { type ErrorCategory, type ErrorCode, EXIT } from './error-codes.js';

export interface DtrainErrorOptions<C extends ErrorCode = ErrorCode> {
  /** Optional and checked against the table: a throw site may say what it expects its code to mean. */
  readonly category?: CategoryOf<C>;
  readonly detail?: string | undefined;
  readonly cause?: unknown;
}

export class DtrainError<C extends ErrorCode = ErrorCode> extends Error {
  override readonly name = 'DtrainError';
  readonly code: C;
  readonly category: ErrorCategory;
  readonly detail: string | undefined;

  constructor(code: C, message: string, options: DtrainErrorOptions<C> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.category = categoryOf(code);
    this.detail = options.detail;
  }

  get exitCode(): number {
    return exitCodeFor(this.code);
  }
}

/** The exit code for anything thrown: DtrainErrors by their code, everything else is internal. */
export function exitCodeOf(error: unknown): number {
  return error instanceof DtrainError ? error.exitCode : EXIT.internal;
}
