/**
 * What the GBDT parameter parsers report: one problem per parameter value, named by the key as the
 * user wrote it. `dtrain validate` positions them in the job file; the engine (which only ever sees
 * params that validated) turns them into one DtrainError E_PARAM.
 */
import { DtrainError } from '../errors.js';

/** A bad parameter value: the key as written, what is wrong, and the list item when it is one. */
export interface ParamProblem {
  readonly name: string;
  readonly message: string;
  /** The item of a YAML list the problem is about. */
  readonly index?: number;
  /** Whether the message already shows the value (then `(got …)` is not printed). */
  readonly showsValue?: boolean;
}

/** `params.NAME[.INDEX]: MESSAGE (got VALUE)`, the line `dtrain validate` prints, without a position. */
export function formatParamProblem(p: ParamProblem, params: Readonly<Record<string, unknown>>): string {
  const raw = params[p.name];
  const value = p.index !== undefined && Array.isArray(raw) ? raw[p.index] : raw;
  const got = p.showsValue === true || value === undefined ? '' : ` (got ${JSON.stringify(value)})`;
  return `params.${p.name}${p.index === undefined ? '' : `.${p.index}`}: ${p.message}${got}`;
}

/** Throws one E_PARAM config error for `problems` (the first as the message), if there are any. */
export function throwParamProblems(
  problems: readonly ParamProblem[],
  params: Readonly<Record<string, unknown>>,
): void {
  if (problems.length === 0) return;
  const lines = problems.map((p) => formatParamProblem(p, params));
  throw new DtrainError('E_PARAM', lines[0]!, {
    category: 'config',
    ...(lines.length > 1 ? { detail: lines.slice(1).join('\n') } : {}),
  });
}

/** `unknown WHAT; did you mean \`X\`?` or `…; one of A, B, C` (the hint an unknown value gets). */
export function unknownValue(what: string, guess: string | undefined, known: readonly string[]): string {
  return guess === undefined
    ? `unknown ${what}; one of ${known.join(', ')}`
    : `unknown ${what}; did you mean \`${guess}\`?`;
}
