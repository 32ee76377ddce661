/**
 * A cluster inside this machine for the SSH tests (DESIGN.md §6): N hosts, each a network namespace
 * with its own address on a private bridge and its own Debian OpenSSH sshd, reached from the test
 * (the root namespace) exactly as real machines are. Needs root; see `needCluster` in
 * test/helpers/cluster.ts.
 *
 * Layout, for a bed with random id `ab12cd` on subnet 10.213.N.0/24:
 *   bridge  dtbab12cdbr    10.213.N.1/24, in the root namespace (the "laptop" side)
 *   host i  netns dtb-ab12cd-<name>-h<i>, eth0 10.213.N.(10+i)/24, lo up, sshd on eth0:22,
 *           joined to the bridge by the veth dtbab12cdv<i> (root end) ↔ eth0 (namespace end).
 * The namespaces have no default route: their traffic can only reach the subnet itself.
 *
 * The hosts share this machine's file system and pid namespace, so `node` is the test's node, but
 * each host has its own root home folder (an /etc/netns passwd entry, bound by `ip netns exec`), so
 * `~/.cache/dtrain` is per host as on real machines, and its own /etc/hosts naming every host hN.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { toolPath } from '../helpers/cluster.js';
import {
  type BedRecord,
  claimSubnet,
  namespaceInode,
  pidsInNamespace,
  processStart,
  sweepStale,
  teardownSync,
} from './testbed-registry.js';
import {
  fingerprintOf,
  generateKey,
  type SshdFiles,
  startSshd,
  stopSshd,
  writeSshdConfig,
} from './testbed-sshd.js';

/** One host of the bed. The key fields change when `changeHostKey` runs. */
export interface TestHost {
  /** `h0`, `h1`, ...: its ssh config alias, its hostname, and its name in every host's /etc/hosts. */
  readonly name: string;
  /** Its IPv4 address on the bed's subnet, 10.213.N.(10+i). */
  readonly address: string;
  /** sshd's port: 22. */
  readonly port: number;
  /** Its network namespace (`ip netns exec <ns> ...`). */
  readonly ns: string;
  /** The current host key's fingerprint as OpenSSH prints it: `SHA256:<base64, no padding>`. */
  readonly hostKeyFingerprint: string;
  /** The current host public key: `ssh-ed25519 AAAA...`. */
  readonly hostPublicKey: string;
  /** root's home folder on this host (a folder under the bed's temp dir). */
  readonly home: string;
  /** sshd's log (LogLevel VERBOSE): connections, accepted keys, forwarding requests. */
  readonly sshdLog: string;
  /**
   * A folder first on PATH in this host's ssh sessions, empty at first: put an executable `node`
   * here to simulate an old or missing Node on the host (sessions started afterwards see it).
   */
  readonly binDir: string;
}

export interface ExecResult {
  /** Exit code, or 128 + signal number. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Testbed {
  /** Random id in every name the bed creates. */
  readonly id: string;
  /** `10.213.N.0/24`. */
  readonly subnet: string;
  /** The bridge's address, 10.213.N.1: where the hosts see the root namespace (the test). */
  readonly gateway: string;
  /** The bed's temp folder (keys, configs, logs, homes); removed by destroy(). */
  readonly dir: string;
  readonly hosts: readonly TestHost[];
  /** Private ed25519 key (no passphrase) that root on every host accepts; `.pub` beside it. */
  readonly clientKeyPath: string;
  /** known_hosts listing every host's key at bring-up (`h0,10.213.N.10 ssh-ed25519 ...`). */
  readonly knownHostsPath: string;
  /** The same entries hashed by `ssh-keygen -H` (`|1|salt|hash ssh-ed25519 ...`). */
  readonly hashedKnownHostsPath: string;
  /**
   * ssh_config with `Host h0`...: HostName, Port, User root, IdentityFile, IdentitiesOnly yes and
   * UserKnownHostsFile = knownHostsPath. Use with `ssh -F <path> h0`.
   */
  readonly sshConfigPath: string;
  /**
   * Writes a known_hosts file for the given hosts (default all) with their current keys, hashed if
   * asked; returns `path`. For "unknown host" tests, leave hosts out; after changeHostKey, the
   * files above still hold the old key.
   */
  writeKnownHosts(path: string, options?: { hosts?: readonly number[]; hashed?: boolean }): Promise<string>;
  /** Runs argv inside host i's namespace directly (`ip netns exec`, no ssh), to completion. */
  exec(
    i: number,
    argv: readonly string[],
    options?: { input?: string; timeoutMs?: number },
  ): Promise<ExecResult>;
  /** Starts argv inside host i's namespace and returns the child (e.g. a server); killed by destroy(). */
  spawnIn(i: number, argv: readonly string[]): ChildProcess;
  /**
   * Live pids in host i's network namespace whose environment has the entry `marker` (a whole
   * `NAME=value`, e.g. `DTRAIN_JOB=<id>`); every pid in the namespace when marker is omitted.
   */
  processesInHost(i: number, marker?: string): number[];
  /** Sets the bridge end of host i's link down: its packets are silently dropped, both ways. */
  cutLink(i: number): Promise<void>;
  /** Sets it up again. */
  restoreLink(i: number): Promise<void>;
  /** Stops host i's listening sshd; open sessions stay (like `systemctl stop ssh`). */
  stopSshd(i: number): Promise<void>;
  /** Starts it again (a no-op while it runs). */
  startSshd(i: number): Promise<void>;
  /** Gives host i a new host key and restarts its sshd; `hosts[i]` shows the new key. */
  changeHostKey(i: number): Promise<void>;
  /**
   * Kills every process in the namespaces, deletes namespaces, veths, bridge and temp files.
   * Idempotent; also runs at process exit or on SIGINT/SIGTERM/SIGHUP if not called.
   */
  destroy(): Promise<void>;
}

export interface TestbedOptions {
  /** Number of hosts (1-100). */
  readonly hosts: number;
  /** A label for the namespace and temp folder names, so leftovers show which test made them. */
  readonly name?: string;
}

const live = new Set<BedRecord>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const r of live) teardownSync(r);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const r of live) teardownSync(r);
      live.clear();
      process.kill(process.pid, signal); // the default action, now that our handler is gone
    });
  }
}

/** Runs argv to completion, collecting its output; `timeoutMs` kills it with SIGKILL. */
export function runCommand(
  argv: readonly string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const input = options.input;
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128 + (signal ? constants.signals[signal] : 0), stdout, stderr });
    });
    if (input !== undefined) {
      child.stdin!.on('error', () => {}); // a command that exits without reading its input: EPIPE
      child.stdin!.end(input);
    }
  });
}

/** Resolves once a TCP connect to host:port succeeds; rejects after `ms`. */
async function untilReachable(host: string, port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host, port, timeout: 1000 });
      const end = (v: boolean) => {
        s.destroy();
        resolve(v);
      };
      s.once('connect', () => end(true));
      s.once('timeout', () => end(false));
      s.once('error', () => end(false));
    });
    if (ok) return;
    if (Date.now() > until)
      throw new Error(`test bed: ${host}:${port} unreachable ${ms} ms after the link came up`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function must(argv: readonly string[], input?: string): Promise<string> {
  const r = await runCommand(argv, input === undefined ? {} : { input });
  if (r.code !== 0) throw new Error(`test bed: \`${argv.join(' ')}\` failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Creates the bed; rejects (after tearing down what it made) if any part fails. */
export async function createTestbed(options: TestbedOptions): Promise<Testbed> {
  if (!Number.isInteger(options.hosts) || options.hosts < 1 || options.hosts > 100)
    throw new Error(`test bed: hosts must be 1-100, got ${options.hosts}`);
  sweepStale();
  hookExit();
  const ip = toolPath('ip')!;
  const id = randomBytes(3).toString('hex');
  const label = (options.name ?? 'bed')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 20);
  const dir = mkdtempSync(join(tmpdir(), `dtrain-testbed-${label}-`));
  const count = options.hosts;
  const record = claimSubnet((subnet) => ({
    id,
    pid: process.pid,
    pidStart: processStart(process.pid)!,
    subnet,
    bridge: `dtb${id}br`,
    veths: Array.from({ length: count }, (_, i) => `dtb${id}v${i}`),
    namespaces: Array.from({ length: count }, (_, i) => `dtb-${id}-${label}-h${i}`),
    dir,
  }));
  live.add(record);
  try {
    return await bringUp(record, ip);
  } catch (error) {
    teardownSync(record);
    live.delete(record);
    throw error;
  }
}

async function bringUp(record: BedRecord, ip: string): Promise<Testbed> {
  const { id, dir, subnet } = record;
  const net = `10.213.${subnet}`;
  const count = record.namespaces.length;
  const clientKeyPath = join(dir, 'client_ed25519');
  const authorizedKeysPath = join(dir, 'authorized_keys');
  const hosts = record.namespaces.map((ns, i) => {
    const hostDir = join(dir, `h${i}`);
    mkdirSync(join(hostDir, 'home'), { recursive: true, mode: 0o700 });
    mkdirSync(join(hostDir, 'bin'));
    const files: SshdFiles = {
      name: `h${i}`,
      ns,
      address: `${net}.${10 + i}`,
      port: 22,
      hostKeyPath: join(hostDir, 'ssh_host_ed25519_key'),
      configPath: join(hostDir, 'sshd_config'),
      logPath: join(hostDir, 'sshd.log'),
      pidPath: join(hostDir, 'sshd.pid'),
      authorizedKeysPath,
      binDir: join(hostDir, 'bin'),
    };
    return { files, home: join(hostDir, 'home'), publicKey: '', sshd: undefined as ChildProcess | undefined };
  });

  // Keys and the network come up side by side; sshd needs both.
  const keys = Promise.all([
    generateKey(clientKeyPath, `dtrain-testbed-${id}`).then((k) =>
      writeFileSync(authorizedKeysPath, `${k}\n`),
    ),
    ...hosts.map(async (h) => {
      h.publicKey = await generateKey(h.files.hostKeyPath, `${h.files.name}-${id}`);
    }),
  ]);
  const rootBatch = [
    // addrgenmode none: no IPv6 link-local addresses, so the bed carries only the tests' IPv4.
    `link add ${record.bridge} type bridge`,
    `link set ${record.bridge} addrgenmode none`,
    `addr add ${net}.1/24 dev ${record.bridge}`,
    `link set ${record.bridge} up`,
    ...hosts.flatMap((h, i) => [
      `netns add ${h.files.ns}`,
      `link add ${record.veths[i]} type veth peer name dtb${id}e${i} netns ${h.files.ns}`,
      `link set ${record.veths[i]} addrgenmode none`,
      `link set ${record.veths[i]} master ${record.bridge}`,
      `link set ${record.veths[i]} up`,
    ]),
  ];
  await must([ip, '-batch', '-'], `${rootBatch.join('\n')}\n`);
  const passwd = readFileSync('/etc/passwd', 'utf8');
  const etcHosts = readFileSync('/etc/hosts', 'utf8');
  const names = hosts.map((h) => `${h.files.address} ${h.files.name}`).join('\n');
  await Promise.all(
    hosts.map((h, i) => {
      const etc = `/etc/netns/${h.files.ns}`;
      mkdirSync(etc, { recursive: true });
      writeFileSync(`${etc}/passwd`, passwd.replace(/^(root:[^:]*:0:0:[^:]*:)[^:]*:/m, `$1${h.home}:`));
      writeFileSync(`${etc}/hosts`, `${etcHosts.trimEnd()}\n# dtrain test bed ${id}\n${names}\n`);
      const nsBatch = [
        `link set dtb${id}e${i} name eth0`,
        'link set eth0 addrgenmode none',
        `addr add ${h.files.address}/24 dev eth0`,
        'link set eth0 up',
        'link set lo up',
      ];
      return must([ip, '-n', h.files.ns, '-batch', '-'], `${nsBatch.join('\n')}\n`);
    }),
  );
  await keys;
  await Promise.all(
    hosts.map(async (h) => {
      writeSshdConfig(h.files);
      h.sshd = await startSshd(h.files);
    }),
  );

  const view = (): TestHost[] =>
    hosts.map((h) => ({
      name: h.files.name,
      address: h.files.address,
      port: h.files.port,
      ns: h.files.ns,
      hostKeyFingerprint: fingerprintOf(h.publicKey),
      hostPublicKey: h.publicKey,
      home: h.home,
      sshdLog: h.files.logPath,
      binDir: h.files.binDir,
    }));
  let current = view();
  const host = (i: number) => {
    const h = hosts[i];
    if (!h) throw new Error(`test bed: no host ${i} (it has ${count})`);
    return h;
  };

  const writeKnownHosts: Testbed['writeKnownHosts'] = async (path, opts = {}) => {
    const which = opts.hosts ?? hosts.map((_, i) => i);
    const lines = which.map((i) => `${host(i).files.name},${host(i).files.address} ${host(i).publicKey}`);
    writeFileSync(path, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
    if (opts.hashed) {
      await must([toolPath('sshKeygen')!, '-H', '-f', path]);
      rmSync(`${path}.old`, { force: true });
    }
    return path;
  };
  const knownHostsPath = await writeKnownHosts(join(dir, 'known_hosts'));
  const hashedKnownHostsPath = await writeKnownHosts(join(dir, 'known_hosts.hashed'), { hashed: true });
  const sshConfigPath = join(dir, 'ssh_config');
  writeFileSync(
    sshConfigPath,
    hosts
      .map((h) =>
        [
          `Host ${h.files.name}`,
          `  HostName ${h.files.address}`,
          `  Port ${h.files.port}`,
          '  User root',
          `  IdentityFile ${clientKeyPath}`,
          '  IdentitiesOnly yes',
          `  UserKnownHostsFile ${knownHostsPath}`,
        ].join('\n'),
      )
      .join('\n\n') + '\n',
  );

  let destroyed = false;
  const bed: Testbed = {
    id,
    subnet: `${net}.0/24`,
    gateway: `${net}.1`,
    dir,
    get hosts() {
      return current;
    },
    clientKeyPath,
    knownHostsPath,
    hashedKnownHostsPath,
    sshConfigPath,
    writeKnownHosts,
    exec: (i, argv, opts) => runCommand([ip, 'netns', 'exec', host(i).files.ns, ...argv], opts),
    spawnIn: (i, argv) =>
      spawn(ip, ['netns', 'exec', host(i).files.ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] }),
    processesInHost(i, marker) {
      const inode = namespaceInode(host(i).files.ns);
      if (inode === undefined) return [];
      return pidsInNamespace(inode).filter((pid) => {
        if (marker === undefined) return true;
        try {
          return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(marker);
        } catch {
          return false;
        }
      });
    },
    cutLink: async (i) => {
      host(i);
      await must([ip, 'link', 'set', record.veths[i]!, 'down']);
    },
    restoreLink: async (i) => {
      const h = host(i);
      await must([ip, 'link', 'set', record.veths[i]!, 'up']);
      // A connect tried while the link was down left the address's neighbour entry FAILED, and
      // the kernel answers "no route to host" from it for a while: forget it, then wait until
      // sshd answers again, so the next test starts on a working link.
      await runCommand([ip, 'neigh', 'flush', 'to', h.files.address, 'dev', record.bridge]);
      await untilReachable(h.files.address, 22, 10_000);
    },
    stopSshd: async (i) => {
      const h = host(i);
      if (h.sshd) await stopSshd(h.sshd);
      h.sshd = undefined;
    },
    startSshd: async (i) => {
      const h = host(i);
      if (h.sshd && h.sshd.exitCode === null && h.sshd.signalCode === null) return;
      h.sshd = await startSshd(h.files);
    },
    changeHostKey: async (i) => {
      const h = host(i);
      const fresh = `${h.files.hostKeyPath}.new`;
      rmSync(fresh, { force: true });
      rmSync(`${fresh}.pub`, { force: true });
      h.publicKey = await generateKey(fresh, `${h.files.name}-${id}-changed`);
      await bed.stopSshd(i);
      await must(['/bin/mv', '-f', fresh, h.files.hostKeyPath]);
      await must(['/bin/mv', '-f', `${fresh}.pub`, `${h.files.hostKeyPath}.pub`]);
      h.sshd = await startSshd(h.files);
      current = view();
    },
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      teardownSync(record);
      live.delete(record);
    },
  };
  return bed;
}
