/**
 * What a test bed owns, written down before it creates anything, so that it can always be torn
 * down: by `destroy()`, by this process's exit or a fatal signal, or (after a SIGKILL) by the next
 * test bed created on this machine, which sweeps records whose owner process is gone.
 *
 * A record lives in /run/dtrain-testbed/net-<N>.json; creating it exclusively is also how a test bed
 * claims its subnet 10.213.<N>.0/24, so two runs on one machine never share one.
 */
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { toolPath } from '../helpers/cluster.js';

export const REGISTRY = '/run/dtrain-testbed';

export interface BedRecord {
  readonly id: string;
  /** The owner process and its start time (/proc/PID/stat field 22), so a reused pid is not mistaken. */
  readonly pid: number;
  readonly pidStart: string;
  /** N in 10.213.N.0/24. */
  readonly subnet: number;
  readonly bridge: string;
  /** Root-namespace ends of the veth pairs (deleting one deletes its peer). */
  readonly veths: readonly string[];
  readonly namespaces: readonly string[];
  /** The temp folder with keys, configs, logs and the hosts' home folders. */
  readonly dir: string;
}

export function recordPath(subnet: number): string {
  return `${REGISTRY}/net-${subnet}.json`;
}

export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Claims a free subnet by creating its record; returns the subnet number. */
export function claimSubnet(make: (subnet: number) => BedRecord): BedRecord {
  mkdirSync(REGISTRY, { recursive: true, mode: 0o700 });
  const inUse = spawnSync(toolPath('ip')!, ['-4', '-o', 'addr'], { encoding: 'utf8' }).stdout ?? '';
  const routes = spawnSync(toolPath('ip')!, ['-4', 'route'], { encoding: 'utf8' }).stdout ?? '';
  for (let attempt = 0; attempt < 64; attempt++) {
    const subnet = Math.floor(Math.random() * 256);
    const prefix = `10.213.${subnet}.`;
    if (inUse.includes(prefix) || routes.includes(prefix)) continue;
    const record = make(subnet);
    try {
      writeFileSync(recordPath(subnet), JSON.stringify(record), { flag: 'wx', mode: 0o600 });
      return record;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error('test bed: no free /24 left in 10.213.0.0/16 after 64 tries');
}

/** The network-namespace inode of a named namespace, or undefined when it is gone. */
export function namespaceInode(ns: string): number | undefined {
  try {
    return statSync(`/run/netns/${ns}`).ino;
  } catch {
    return undefined;
  }
}

/** Live (non-zombie) pids whose network namespace is `inode`. */
export function pidsInNamespace(inode: number): number[] {
  const want = `net:[${inode}]`;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readlinkSync(`/proc/${name}/ns/net`) !== want) continue;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      out.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ip(args: string[]): void {
  spawnSync(toolPath('ip') ?? 'ip', args, { stdio: 'ignore' });
}

/**
 * Removes everything a record names: kills every process in its namespaces (sshd, sessions, job
 * processes), deletes veths, bridge and namespaces, the per-namespace /etc/netns files and the temp
 * folder, then the record. Synchronous so it can run in an 'exit' handler; safe to repeat.
 */
export function teardownSync(record: BedRecord): void {
  const inodes = record.namespaces.map(namespaceInode).filter((i): i is number => i !== undefined);
  for (let round = 0; round < 40; round++) {
    const pids = inodes.flatMap(pidsInNamespace);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    sleepSync(25);
  }
  for (const veth of record.veths) ip(['link', 'del', veth]);
  ip(['link', 'del', record.bridge]);
  for (const ns of record.namespaces) {
    ip(['netns', 'del', ns]);
    rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
  }
  try {
    rmdirSync('/etc/netns'); // only succeeds when no other namespace keeps files there
  } catch {
    // not empty or not there
  }
  rmSync(record.dir, { recursive: true, force: true });
  rmSync(recordPath(record.subnet), { force: true });
}

/** Tears down test beds left by processes that died without cleaning up (SIGKILL, OOM). */
export function sweepStale(): void {
  let names: string[];
  try {
    names = readdirSync(REGISTRY);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^net-\d+\.json$/.test(name)) continue;
    let record: BedRecord;
    try {
      record = JSON.parse(readFileSync(`${REGISTRY}/${name}`, 'utf8')) as BedRecord;
    } catch {
      continue; // being written right now by its owner
    }
    if (processStart(record.pid) === record.pidStart) continue;
    teardownSync(record);
  }
}
