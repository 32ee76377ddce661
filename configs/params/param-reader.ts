/**
 * Typed getters over one LightGBM-style params object (numbers and booleans may be strings, as on
 * LightGBM's CLI); each bad value adds a problem and yields the default, so every problem is found.
 */
import type { ParamProblem } from './param-problems.js';

export type Params = Readonly<Record<string, unknown>>;

export type Check = 'any' | 'pos' | 'nonneg' | 'unit' | 'unit0' | 'int' | 'int0' | 'int1' | 'int2';

const CHECKS: Record<Check, [(v: number) => boolean, string]> = {
  any: [(v) => Number.isFinite(v), 'must be a finite number'],
  pos: [(v) => Number.isFinite(v) && v > 0, 'must be > 0'],
  nonneg: [(v) => Number.isFinite(v) && v >= 0, 'must be >= 0'],
  unit: [(v) => Number.isFinite(v) && v > 0 && v <= 1, 'must be in (0, 1]'],
  unit0: [(v) => Number.isFinite(v) && v >= 0 && v <= 1, 'must be in [0, 1]'],
  int: [(v) => Number.isInteger(v), 'must be an integer'],
  int0: [(v) => Number.isInteger(v) && v >= 0, 'must be an integer >= 0'],
  int1: [(v) => Number.isInteger(v) && v >= 1, 'must be an integer >= 1'],
  int2: [(v) => Number.isInteger(v) && v >= 2, 'must be an integer >= 2'],
};

/** The typed getters over one params object; each bad value adds a problem and yields the default. */
export interface ParamReader {
  readonly params: Params;
  readonly problems: ParamProblem[];
  pick(names: readonly string[]): string | undefined;
  num(names: readonly string[], def: number, check: Check): number;
  bool(names: readonly string[], def: boolean): boolean;
  word(names: readonly string[]): [string, string] | undefined;
}

export function paramReader(params: Params, problems: ParamProblem[]): ParamReader {
  const pick = (names: readonly string[]): string | undefined => names.find((n) => params[n] !== undefined);
  const num = (names: readonly string[], def: number, check: Check): number => {
    const name = pick(names);
    if (name === undefined) return def;
    const raw = params[name];
    const v = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    const [ok, what] = CHECKS[check];
    if (typeof v !== 'number' || !ok(v)) {
      problems.push({ name, message: what });
      return def;
    }
    return v;
  };
  const bool = (names: readonly string[], def: boolean): boolean => {
    const name = pick(names);
    if (name === undefined) return def;
    const raw = params[name];
    if (raw === true || raw === 'true' || raw === '+' || raw === 1) return true;
    if (raw === false || raw === 'false' || raw === '-' || raw === 0) return false;
    problems.push({ name, message: 'must be true or false' });
    return def;
  };
  const word = (names: readonly string[]): [string, string] | undefined => {
    const name = pick(names);
    if (name === undefined) return undefined;
    const raw = params[name];
    if (typeof raw !== 'string') {
      problems.push({ name, message: 'must be a string' });
      return undefined;
    }
    return [name, raw.trim().toLowerCase()];
  };

  return { params, problems, pick, num, bool, word };
}
