/**
 * Whether this machine can host the namespace test bed (test/cluster/testbed.ts): root with the
 * network and namespace capabilities, iproute2's `ip`, util-linux's `unshare`, and Debian's OpenSSH
 * server and client tools. Cluster tests call `needCluster(t)` first.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { cannotRun } from './skip.js';

export type ClusterSupport = { ok: true } | { ok: false; reason: string };

/** Programs the test bed runs, by absolute path so a trimmed PATH cannot hide them. */
export const TOOLS = {
  ip: ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'],
  unshare: ['/usr/bin/unshare', '/bin/unshare'],
  sshd: ['/usr/sbin/sshd'],
  sshKeygen: ['/usr/bin/ssh-keygen'],
  ssh: ['/usr/bin/ssh'],
} as const;

/** The first executable candidate for a tool, or undefined. */
export function toolPath(tool: keyof typeof TOOLS): string | undefined {
  return TOOLS[tool].find((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const CAP_SYS_ADMIN = 21n;
const CAP_NET_ADMIN = 12n;

function effectiveCaps(): bigint {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^CapEff:\s*([0-9a-f]+)$/m);
  return line ? BigInt(`0x${line[1]}`) : 0n;
}

let cached: ClusterSupport | undefined;

/** Why the test bed cannot run here, if it cannot. Cached. */
export function clusterSupport(): ClusterSupport {
  if (cached) return cached;
  const problems: string[] = [];
  if (process.platform !== 'linux') problems.push('network namespaces need Linux');
  else {
    if (process.getuid?.() !== 0) problems.push('not root (network namespaces need root)');
    else {
      const caps = effectiveCaps();
      if (!((caps >> CAP_NET_ADMIN) & 1n)) problems.push('root lacks CAP_NET_ADMIN');
      if (!((caps >> CAP_SYS_ADMIN) & 1n)) problems.push('root lacks CAP_SYS_ADMIN');
    }
    if (!toolPath('ip')) problems.push('`ip` missing (apt-get install iproute2)');
    if (!toolPath('unshare')) problems.push('`unshare` missing (util-linux)');
    if (!toolPath('sshd')) problems.push('/usr/sbin/sshd missing (apt-get install openssh-server)');
    if (!toolPath('sshKeygen') || !toolPath('ssh'))
      problems.push('OpenSSH client tools missing (apt-get install openssh-client)');
  }
  cached = problems.length === 0 ? { ok: true } : { ok: false, reason: problems.join('; ') };
  return cached;
}

/**
 * True when the test bed can run. Otherwise skips the test with the reason (returns false), or,
 * when DTRAIN_REQUIRE_ALL is set (CI), fails it with the reason.
 */
export function needCluster(t: TestContext): boolean {
  const support = clusterSupport();
  return support.ok || cannotRun(t, `cluster test bed unavailable: ${support.reason}`);
}
