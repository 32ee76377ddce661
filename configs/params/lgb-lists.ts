/**
 * LightGBM's list-valued params (`group_column`, `eval_at`, `label_gain`, `categorical_feature`):
 * each a YAML list or LightGBM's comma string.
 */
import type { ParamProblem } from './param-problems.js';
import type { Params } from './param-reader.js';

const GROUP_NAMES = ['group_column', 'group', 'group_id', 'query_column', 'query', 'query_id'];

/** `group_column`: an index (LightGBM's: the label column is not counted) or a name (`name:` optional). */
export function parseGroupColumn(params: Params, problems: ParamProblem[]): number | string | undefined {
  const name = GROUP_NAMES.find((n) => params[n] !== undefined);
  if (name === undefined) return undefined;
  const raw = params[name];
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const t = raw.trim();
    if (t.startsWith('name:') && t.length > 5) return t.slice(5);
    return /^\d+$/.test(t) ? Number(t) : t;
  }
  problems.push({
    name,
    message:
      'must be the query column: a header name (name:qid or qid) or a 0-based index not counting the label',
  });
  return undefined;
}

/** A list of integers >= `min`, as a YAML list or LightGBM's comma string. */
export function intList(
  params: Params,
  names: readonly string[],
  def: readonly number[],
  min: number,
  problems: ParamProblem[],
): readonly number[] {
  const name = names.find((n) => params[n] !== undefined);
  if (name === undefined) return def;
  const raw = params[name];
  const items =
    typeof raw === 'string' ? raw.split(',').map((t) => Number(t.trim())) : Array.isArray(raw) ? raw : [raw];
  if (items.length === 0 || !items.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min)) {
    problems.push({ name, message: `must be a list of positions >= ${min}, e.g. [1, 3, 5]` });
    return def;
  }
  return items as number[];
}

/** `label_gain`: a list of finite numbers >= 0 (YAML list or comma string). */
export function numberList(params: Params, name: string, problems: ParamProblem[]): number[] | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  const items =
    typeof raw === 'string' ? raw.split(',').map((t) => Number(t.trim())) : Array.isArray(raw) ? raw : [raw];
  if (items.length === 0 || !items.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)) {
    problems.push({ name, message: 'must be a list of gains >= 0, one per relevance grade' });
    return undefined;
  }
  return items as number[];
}

/** `categorical_feature`: a list, or LightGBM's comma string (`0,3,5` or `name:a,b`). */
export function parseCategorical(name: string, raw: unknown, problems: ParamProblem[]): (number | string)[] {
  if (raw === undefined || raw === null || raw === '') return [];
  const items: unknown[] = Array.isArray(raw)
    ? raw
    : typeof raw === 'number'
      ? [raw]
      : typeof raw === 'string'
        ? raw.replace(/^name:/, '').split(',')
        : [raw];
  const byName = typeof raw === 'string' && raw.startsWith('name:');
  const out: (number | string)[] = [];
  for (const [i, item] of items.entries()) {
    if (typeof item === 'number' && Number.isInteger(item) && item >= 0) out.push(item);
    else if (typeof item === 'string' && item.trim() !== '') {
      const t = item.trim();
      out.push(!byName && /^\d+$/.test(t) ? Number(t) : t);
    } else
      problems.push({
        name,
        ...(Array.isArray(raw) ? { index: i } : {}),
        message: 'must be a column index or name',
      });
  }
  return out;
}
