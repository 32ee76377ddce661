/**
 * The rules that relate fields to each other, which a per-field schema cannot say: what each
 * framework accepts, which blocks it needs, duplicate hosts, heartbeat timing. They run on the raw
 * document next to the schema (not after it), so a file with many mistakes gets all of them at once;
 * every rule therefore looks only at values that have the expected type.
 */
import { checkParams } from './check-params.js';
import { checkLayers } from './check-tensorflow.js';
import { isLocalAddress, parseHost } from './host-grammar.js';
import { type Framework, type Parallelism, PARALLELISM_BY_FRAMEWORK } from './job-spec.js';
import type { FoundProblem } from './problems.js';
import { FRAMEWORKS } from './schema.js';

type Rec = Readonly<Record<string, unknown>>;

function rec(value: unknown): Rec | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Rec) : undefined;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Cross-field problems, and the paths they speak for (the schema's own problem there is dropped). */
export function checkJob(data: unknown): { problems: FoundProblem[]; claimed: ReadonlySet<string> } {
  const root = rec(data);
  const problems: FoundProblem[] = [];
  const claimed = new Set<string>();
  if (root === undefined) return { problems, claimed };
  const fw = FRAMEWORKS.find((f) => f === root['framework']);
  let parallelism: Parallelism | undefined;
  if (fw !== undefined) {
    const accepted = PARALLELISM_BY_FRAMEWORK[fw];
    const given = root['parallelism'];
    parallelism = accepted.find((p) => p === given) ?? (given === undefined ? accepted[0] : undefined);
    if (given !== undefined && parallelism === undefined) {
      claimed.add('parallelism');
      const message =
        accepted.length === 1
          ? `must be ${accepted[0]} for ${fw}, its only mode`
          : `must be one of ${accepted.join(', ')} for ${fw}`;
      problems.push({ path: ['parallelism'], message });
    }
    problems.push(...frameworkBlocks(root, fw, parallelism));
    const params = rec(root['params']);
    if (params !== undefined) problems.push(...checkParams(fw, params));
  }
  if (root['tune'] !== undefined) {
    // Refused, not ignored: a job that asks for a search must not quietly train one model.
    claimed.add('tune');
    const message = 'hyper-parameter search is not implemented yet; remove the tune: block';
    problems.push({ path: ['tune'], message, at: 'key', got: null });
  }
  problems.push(...checkHosts(root['hosts']), ...checkNetwork(root), ...checkSecrets(root));
  return { problems, claimed };
}

function frameworkBlocks(root: Rec, fw: Framework, parallelism: Parallelism | undefined): FoundProblem[] {
  const out: FoundProblem[] = [];
  if ((fw === 'xgboost' || fw === 'lightgbm') && root['data'] === undefined) {
    out.push({ path: ['data'], message: `is required for ${fw}: at least \`train:\`` });
  }
  const model = root['model'];
  if (fw === 'tensorflow' && model === undefined) {
    out.push({ path: ['model'], message: 'is required for tensorflow: `layers`, `module` or `script`' });
  } else if (fw !== 'tensorflow' && model !== undefined) {
    out.push({ path: ['model'], message: 'is only for tensorflow jobs', at: 'key', got: null });
  }
  const modelRec = rec(model);
  if (fw === 'tensorflow' && modelRec !== undefined) {
    const given = ['layers', 'module', 'script'].filter((k) => modelRec[k] !== undefined);
    if (given.length !== 1) {
      const got = given.length === 0 ? null : given.join(', ');
      out.push({ path: ['model'], message: 'must have exactly one of `layers`, `module`, `script`', got });
    }
  }
  const pipeline = root['pipeline'];
  const modelParallel = fw === 'tensorflow' && parallelism === 'model';
  if (modelParallel && pipeline === undefined) {
    out.push({
      path: ['pipeline'],
      message: 'is required for model parallelism: `{stages: N, micro_batches: M}`',
    });
  } else if (!modelParallel && pipeline !== undefined && parallelism !== undefined) {
    out.push({
      path: ['pipeline'],
      message: 'is only for tensorflow with `parallelism: model`',
      at: 'key',
      got: null,
    });
  }
  const layers = modelRec?.['layers'];
  if (Array.isArray(layers)) out.push(...checkLayers(layers));
  const stages = num(rec(pipeline)?.['stages']);
  if (modelParallel && stages !== undefined && Array.isArray(layers) && stages > layers.length) {
    out.push({
      path: ['pipeline', 'stages'],
      message: `must not exceed the model's ${layers.length} layers`,
    });
  }
  const ranks = countRanks(root['hosts']);
  if (modelParallel && stages !== undefined && ranks !== undefined && stages !== ranks) {
    // One stage per rank: the hosts' slots must add up to the stage count.
    out.push({
      path: ['pipeline', 'stages'],
      message: `needs ${stages} ranks (one per stage) but the hosts give ${ranks}`,
    });
  }
  const remote = Array.isArray(root['hosts']) && root['hosts'].some((h) => !isLocalEntry(h));
  if (fw === 'tensorflow' && remote && rec(root['data'])?.['input'] === 'ship') {
    out.push({
      path: ['data', 'input'],
      message: 'tensorflow ranks read whole files on their hosts: use `host` (the default for tensorflow)',
    });
  }
  return out;
}

function countRanks(hosts: unknown): number | undefined {
  if (hosts === undefined) return 1;
  if (!Array.isArray(hosts)) return undefined;
  let total = 0;
  for (const h of hosts) {
    const r = rec(h);
    const gpus = r?.['gpus'];
    const slots = num(r?.['slots']) ?? (Array.isArray(gpus) ? gpus.length : num(gpus)) ?? 1;
    total += Math.max(slots, 1);
  }
  return total;
}

function checkHosts(hosts: unknown): FoundProblem[] {
  if (!Array.isArray(hosts)) return [];
  const out: FoundProblem[] = [];
  const seen = new Map<string, number>();
  hosts.forEach((entry: unknown, i) => {
    const r = rec(entry);
    const text = typeof entry === 'string' ? entry : r?.['address'];
    if (typeof text !== 'string') return;
    const parsed = parseHost(text, r ? 'address' : 'string');
    if (!parsed.ok) return;
    let { user, port } = parsed.host;
    if (r !== undefined) {
      user = typeof r['user'] === 'string' ? r['user'] : undefined;
      const own = num(r['port']);
      if (own !== undefined && port !== undefined && own !== port) {
        out.push({ path: ['hosts', i, 'port'], message: `conflicts with the port in \`address\` (${port})` });
      }
      port = own ?? port;
    }
    const key = `${user === undefined ? '' : `${user}@`}${parsed.host.address.toLowerCase()}${port === undefined ? '' : `:${port}`}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else out.push({ path: ['hosts', i], message: `is the same host as hosts.${first} (${key})`, got: null });
  });
  return out;
}

function checkNetwork(root: Rec): FoundProblem[] {
  const network = rec(root['network']) ?? {};
  const interval = network['heartbeat_interval'] === undefined ? 1 : num(network['heartbeat_interval']);
  const timeout = network['heartbeat_timeout'] === undefined ? 10 : num(network['heartbeat_timeout']);
  if (interval === undefined || timeout === undefined || interval <= 0 || timeout <= 0) return [];
  if (timeout > 2 * interval) return [];
  const message =
    network['heartbeat_timeout'] === undefined
      ? `must be set above ${2 * interval} (2 × heartbeat_interval); the default is 10`
      : `must exceed 2 × heartbeat_interval = ${2 * interval}`;
  return [{ path: ['network', 'heartbeat_timeout'], message }];
}

function checkSecrets(root: Rec): FoundProblem[] {
  const remote = rec(root['remote']);
  const env = rec(remote?.['env']) ?? {};
  const secrets = remote?.['secrets'];
  if (!Array.isArray(secrets)) return [];
  return secrets.flatMap((name: unknown, i): FoundProblem[] =>
    typeof name === 'string' && name in env
      ? [
          {
            path: ['remote', 'secrets', i],
            message: 'is also set in `remote.env`; a secret comes only from your environment',
          },
        ]
      : [],
  );
}

/** A `hosts:` entry that names this machine (string or mapping form). */
function isLocalEntry(entry: unknown): boolean {
  const text = typeof entry === 'string' ? entry : rec(entry)?.['address'];
  if (typeof text !== 'string') return true;
  const parsed = parseHost(text, typeof entry === 'string' ? 'string' : 'address');
  return parsed.ok ? isLocalAddress(parsed.host.address) : true;
}
