/**
 * A real xgboost job over the test bed's hosts, run through the dtrain binary: the job file (the
 * repository's example data, `hosts:` with the bed's addresses, user root, the bed's client key),
 * and an environment that points dtrain at the bed's known_hosts and ssh config and away from the
 * user's own ~/.ssh and agent.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, startDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';
import type { Testbed } from './testbed.js';

export interface ClusterJobOptions {
  readonly name: string;
  /** Which bed hosts, by index (default all). */
  readonly hosts?: readonly number[];
  readonly slots?: number;
  readonly hostKeys?: 'strict' | 'accept-new' | 'off';
  /** Seconds (ssh.connect_timeout). */
  readonly connectTimeout?: number;
  readonly rounds?: number;
  /** remote.workdir (default: dtrain's own, ~/.cache/dtrain, which is per host on the bed). */
  readonly workdir?: string;
  /** More YAML appended at the end (top-level keys). */
  readonly extra?: string;
}

export const TRAIN_CSV = join(REPO, 'configs', 'examples', 'data', 'synthetic-train.csv');
export const VALID_CSV = join(REPO, 'configs', 'examples', 'data', 'synthetic-valid.csv');

/** Writes the job file into `dir`; returns its path. */
export function clusterJob(bed: Testbed, dir: string, o: ClusterJobOptions): string {
  const hosts = (o.hosts ?? bed.hosts.map((_, i) => i)).map((i) => bed.hosts[i]!);
  const yaml = [
    `name: ${o.name}`,
    'framework: xgboost',
    'parallelism: data',
    'hosts:',
    ...hosts.flatMap((h) => [`  - address: ${h.address}`, '    user: root', `    slots: ${o.slots ?? 2}`]),
    'ssh:',
    `  identity: ${bed.clientKeyPath}`,
    `  host_keys: ${o.hostKeys ?? 'strict'}`,
    `  connect_timeout: ${o.connectTimeout ?? 5}`,
    ...(o.workdir ? ['remote:', `  workdir: ${o.workdir}`] : []),
    'data:',
    `  train: ${TRAIN_CSV}`,
    `  valid: ${VALID_CSV}`,
    '  label: label',
    'params:',
    '  objective: binary:logistic',
    '  eta: 0.3',
    '  max_depth: 4',
    `  num_boost_round: ${o.rounds ?? 10}`,
    '  eval_metric: [logloss, auc]',
    '  nthread: 1',
    o.extra ?? '',
  ];
  return writeJob(dir, `${o.name}.yaml`, `${yaml.join('\n')}\n`);
}

/**
 * The environment for `startDtrain`/`runDtrain`: the given known_hosts (DTRAIN_KNOWN_HOSTS), the
 * bed's ssh config (DTRAIN_SSH_CONFIG), a fresh HOME so ~/.ssh is never read or written, and no
 * ssh-agent.
 */
export function clusterEnv(bed: Testbed, knownHosts: string): Record<string, string> {
  const home = tempDir('dtrain-cluster-user-');
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  return {
    DTRAIN_KNOWN_HOSTS: knownHosts,
    DTRAIN_SSH_CONFIG: bed.sshConfigPath,
    HOME: home,
    // An agent of the person running the tests would offer keys of its own; '' means none.
    ...(process.env['SSH_AUTH_SOCK'] ? { SSH_AUTH_SOCK: '' } : {}),
  };
}

export interface BoundedRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: Record<string, unknown>[];
  /** True when dtrain had to be killed at the deadline (then code is 137). */
  readonly timedOut: boolean;
}

/**
 * `runDtrain` with a deadline: a dtrain that hangs is killed (SIGKILL) after `ms`, so the test fails
 * with its output instead of timing out silently and leaving the process behind.
 */
export async function runDtrainWithin(
  args: readonly string[],
  options: { home: string; env: Record<string, string> },
  ms: number,
): Promise<BoundedRun> {
  const run = startDtrain(args, options);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    run.child.kill('SIGKILL');
  }, ms);
  const code = await run.exited;
  clearTimeout(timer);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: run.stdout, stderr: run.stderr, events: run.events, timedOut };
}
