/**
 * The SSH transport: runs ranks on remote hosts over OpenSSH-compatible connections (ssh2), the only
 * module that imports ssh2. Per host it connects (ssh-agent, then key files; ProxyJump through a first
 * connection; keepalives; a connect timeout), always verifies the host key against known_hosts, checks
 * Node, uploads the worker bundle once per content hash, runs `setup` once per host and hash, and
 * then starts ranks as quoted argv arrays with the bootstrap line on stdin. Each rank reaches the
 * coordinator through a port forwarded back over its host's connection, so workers need no route to
 * this machine. A rank's pid is its process group (sshd starts each command in its own session), and
 * kill() signals that group over the same connection. No agent forwarding, ever.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect as netConnect } from 'node:net';
import { homedir, userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import ssh2, { type AnyAuthMethod, type Client, type ClientChannel, type SFTPWrapper } from 'ssh2';
import { writeFileAtomic } from '../../configs/atomic-write.js';
import { DtrainError } from '../../configs/errors.js';
import type { JobSpec } from '../../configs/job-spec.js';
import {
  appendKnownHost,
  checkHostKey,
  fingerprint,
  type HostKeyStatus,
  keyTypeOf,
  knownHostsPath,
  knownKeyTypes,
  readKnownHosts,
} from '../known-hosts.js';
import type { HostPlan, RankPlan } from '../plan/types.js';
import {
  BUNDLE_ENTRY,
  buildWorkerBundle,
  checkNode,
  type ExecResult,
  type RemoteHost,
  runSetup,
  uploadBundle,
  type WorkerBundle,
} from '../provision/index.js';
import { checkGpus, describeFree, describeSkew, readHostFacts } from '../provision/host-facts.js';
import { readSshConfig, type SshConfig, sshConfigPath } from '../ssh-config.js';
import { type HostKeyMode, type HostKeySeen, hostKeyAction, hostKeyError } from './ssh-host-key.js';
import { lineSplitter } from './ssh-lines.js';
import { rankCommand, shellQuote } from './ssh-quote.js';
import { describeTarget, resolveTarget, type SshTarget } from './ssh-target.js';
import type { HostStep, RankExit, RankProcess, StartOptions, StepSink, Transport } from './types.js';

export interface SshTransportOptions {
  readonly spec: JobSpec;
  readonly jobId: string;
  /** The launching environment: SSH_AUTH_SOCK, HOME, USER, DTRAIN_KNOWN_HOSTS, DTRAIN_SSH_CONFIG. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** dtrain's home (~/.dtrain): the bundle cache lives under it. */
  readonly home: string;
  /** The compiled dist/ folder whose runtimes/worker.js is bundled. */
  readonly localWorkerDist: string;
  readonly signal?: AbortSignal;
  /** The local user's home (default: env.HOME, else the OS's). */
  readonly userHome?: string;
  /** A prebuilt bundle (tests); otherwise built from localWorkerDist on first use. */
  readonly bundle?: WorkerBundle;
  /** Asked for an encrypted key's passphrase (a TTY prompt); without it such keys need the agent. */
  readonly passphrase?: (keyFile: string) => Promise<string | undefined>;
  /** Ships the host's data for `input: ship`; returns a detail for the step, or undefined = nothing to do. */
  readonly shipData?: (host: HostPlan, remote: RemoteHost, workdir: string) => Promise<string | undefined>;
}

/** The exit of a remote rank; `reason` says why when the connection, not the process, ended it. */
export interface SshRankExit extends RankExit {
  readonly reason?: string;
}

// sshd's MaxSessions defaults to 10 channels per connection: ranks beyond this open another one.
const RANKS_PER_LINK = 6;
const PID_TIMEOUT_MS = 30_000;
const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** One SSH connection to a host and what rides on it. */
interface Link {
  readonly client: Client;
  ranks: number;
  closing: boolean;
  closed: boolean;
  forward?: Promise<number>;
  coordinator?: { readonly host: string; readonly port: number };
  sftp?: Promise<SFTPWrapper>;
  readonly onLost: Set<(reason: string) => void>;
  kills: string[];
  killing: boolean;
}

interface Session {
  readonly plan: HostPlan;
  readonly target: SshTarget;
  readonly links: Link[];
  /** A connection being opened for ranks, and how many ranks wait for it. */
  pending?: { link: Promise<Link>; reserved: number };
  home: string;
  workdir: string;
  bundleDir: string;
}

/** Shared by the transport and the host-key scan: how to reach hosts and what to trust. */
interface Dialer {
  dial(
    target: SshTarget,
    mode: HostKeyMode,
    onSeen?: (seen: HostKeySeen, action: string) => void,
  ): Promise<Client>;
  closeAll(): void;
}

export function sshTransport(options: SshTransportOptions): Transport & {
  put(host: HostPlan, localPath: string, remotePath: string): Promise<void>;
  fetch(host: HostPlan, remotePath: string, localPath: string): Promise<void>;
  outputDir(host: HostPlan, localOutputDir: string): string;
} {
  const ctx = contextOf(options.env, options.userHome);
  const config = readSshConfig(sshConfigPath(options.env, ctx.home));
  const dialer = makeDialer(options, ctx.knownHosts);
  const sessions = new Map<number, Session>();
  let bundle: Promise<WorkerBundle> | undefined;
  const getBundle = () => {
    bundle ??= options.bundle
      ? Promise.resolve(options.bundle)
      : buildWorkerBundle({ distDir: options.localWorkerDist, home: options.home });
    return bundle;
  };

  async function openLink(
    session: { target: SshTarget },
    onSeen?: (s: HostKeySeen, a: string) => void,
  ): Promise<Link> {
    const client = await dialer.dial(session.target, options.spec.ssh.host_keys, onSeen);
    const link: Link = {
      client,
      ranks: 0,
      closing: false,
      closed: false,
      onLost: new Set(),
      kills: [],
      killing: false,
    };
    client.on('close', () => {
      link.closed = true;
      if (link.closing) return;
      const reason = `the SSH connection to ${session.target.name} dropped`;
      for (const f of link.onLost) f(reason);
    });
    client.on('error', () => {});
    client.on('tcp connection', (_info, accept, reject) => {
      const to = link.coordinator;
      if (!to) return reject();
      const up = accept();
      const down = netConnect(to.port, to.host);
      up.on('error', () => down.destroy());
      down.on('error', () => up.destroy());
      up.pipe(down).pipe(up);
    });
    return link;
  }

  async function prepare(host: HostPlan, onStep: StepSink): Promise<void> {
    if (host.local) return;
    let current: HostStep = 'connect';
    const step = (s: HostStep, state: 'running' | 'done' | 'skipped' | 'failed', detail?: string) => {
      current = s;
      onStep(host.name, s, state, detail);
    };
    try {
      const target = resolveTarget(
        { address: host.name, port: host.sshPort, user: host.user },
        { config: await config, ssh: options.spec.ssh, home: ctx.home, localUser: ctx.localUser },
      );
      step('connect', 'running', describeTarget(target));
      const link = await openLink({ target }, (seen, action) => {
        step('host-key', 'running');
        const fp = `${seen.keyType} ${fingerprint(seen.key)}`;
        if (options.spec.ssh.host_keys === 'off')
          step('host-key', 'skipped', `host key not checked (host_keys: off); it presented ${fp}`);
        else if (action === 'record')
          step('host-key', 'done', `recorded new key ${fp} (host_keys: accept-new)`);
        else if (action === 'accept') step('host-key', 'done', `${fp} matches known_hosts`);
        current = 'host-key';
      });
      step('connect', 'done', describeTarget(target));
      const session: Session = { plan: host, target, links: [link], home: '', workdir: '', bundleDir: '' };
      sessions.set(host.index, session);
      const remote = remoteOf(session, link);
      const home = (await remote.exec('printf %s "$HOME"')).stdout.trim();
      session.home = home;
      session.workdir = absolute(host.workdir, home);
      step('node', 'running');
      step('node', 'done', await checkNode(remote));
      const facts = await readHostFacts(remote, session.workdir);
      step('gpus', 'running');
      step('gpus', 'done', checkGpus(host.name, host.gpus, facts));
      step('disk', 'done', `${describeFree(facts.freeBytes)} under ${session.workdir}`);
      step('clock', 'done', `skew ${describeSkew(facts.clockSkewMs)}`);
      step('upload', 'running');
      const b = await getBundle();
      const up = await uploadBundle(remote, b, session.workdir);
      session.bundleDir = up.dir;
      if (up.state === 'present') step('upload', 'skipped', `bundle ${b.hash} already on host`);
      else step('upload', 'done', `bundle ${b.hash} → ${up.dir}`);
      step('setup', 'running');
      const setup = await runSetup(remote, {
        commands: host.setup,
        env: options.spec.remote.env,
        bundleHash: b.hash,
        workdir: session.workdir,
        onCommand: (c) => step('setup', 'running', c),
      });
      step(
        'setup',
        setup,
        setup === 'skipped'
          ? host.setup.length
            ? 'already done for this bundle'
            : 'no setup commands'
          : undefined,
      );
      // `input: ship` data normally goes through put() after prepare (launcher/ship-data.ts), which
      // reports the data step itself; this hook is for shipping that needs the connection directly.
      if (options.shipData) {
        step('data', 'running');
        const shipped = await options.shipData(host, remote, session.workdir);
        step('data', shipped === undefined ? 'skipped' : 'done', shipped ?? 'nothing to ship');
      }
    } catch (error) {
      const e = asHostError(error, host.name);
      step(current, 'failed', e.message);
      throw e;
    }
  }

  async function start(rank: RankPlan, start: StartOptions): Promise<RankProcess> {
    const session = sessions.get(rank.host);
    if (!session)
      throw new DtrainError('E_INTERNAL', `host ${rank.hostName} was not prepared before rank ${rank.rank}`, {
        category: 'internal',
      });
    const link = await reserveLink(session);
    const port = await forwardPort(link, start.coordinator, session.target.name);
    // The plan writes remote paths as the user does (`~/.cache/dtrain/...`); quoted words are not
    // expanded by the shell, so `~` is replaced by the host's home here.
    const home = (v: string) => (v === '~' || v.startsWith('~/') ? absolute(v, session.home) : v);
    const argv = rewriteArgv(rank.argv, `${session.bundleDir}/${BUNDLE_ENTRY}`, `127.0.0.1:${port}`).map(
      home,
    );
    const env = Object.fromEntries(Object.entries(rank.env).map(([k, v]) => [k, home(v)]));
    return startRank(link, rank, start, rankCommand(session.workdir, env, argv));
  }

  /** A connection with room for one more rank; starts at the same moment share a new one. */
  function reserveLink(session: Session): Promise<Link> {
    const free = session.links.find((l) => !l.closed && l.ranks < RANKS_PER_LINK);
    if (free) {
      free.ranks++;
      return Promise.resolve(free);
    }
    let pending = session.pending;
    if (!pending || pending.reserved >= RANKS_PER_LINK) {
      const next: { link: Promise<Link>; reserved: number } = { link: undefined as never, reserved: 0 };
      next.link = openLink(session).then(
        (l) => {
          l.ranks += next.reserved;
          session.links.push(l);
          if (session.pending === next) session.pending = undefined;
          return l;
        },
        (error) => {
          if (session.pending === next) session.pending = undefined;
          throw error;
        },
      );
      session.pending = pending = next;
    }
    pending.reserved++;
    return pending.link;
  }

  const transport = {
    name: 'ssh',
    prepare,
    start,
    async put(host: HostPlan, localPath: string, remotePath: string): Promise<void> {
      const session = sessionOf(host);
      const to = absolute(remotePath, session.home);
      const link = session.links[0]!;
      const dir = to.slice(0, to.lastIndexOf('/')) || '/';
      await execOn(link.client, `mkdir -p ${shellQuote(dir)}`);
      const temp = `${to}.tmp-${randomBytes(4).toString('hex')}`;
      const sftp = await sftpOf(link);
      await new Promise<void>((res, rej) => sftp.fastPut(localPath, temp, (e) => (e ? rej(e) : res())));
      await new Promise<void>((res, rej) => sftp.ext_openssh_rename(temp, to, (e) => (e ? rej(e) : res())));
    },
    async fetch(host: HostPlan, remotePath: string, localPath: string): Promise<void> {
      const session = sessionOf(host);
      const sftp = await sftpOf(session.links[0]!);
      try {
        await writeFileAtomic(
          localPath,
          (temp) =>
            new Promise<void>((res, rej) =>
              sftp.fastGet(absolute(remotePath, session.home), temp, (e) => (e ? rej(e) : res())),
            ),
        );
      } catch (error) {
        throw new DtrainError(
          'E_FETCH',
          `could not fetch ${remotePath} from ${host.name}: ${messageOf(error)}`,
          {
            category: 'infra',
            cause: error,
          },
        );
      }
    },
    outputDir(host: HostPlan, _localOutputDir: string): string {
      return `${sessionOf(host).workdir}/jobs/${options.jobId}/output`;
    },
    async close(): Promise<void> {
      const closing: Promise<void>[] = [];
      for (const s of sessions.values())
        for (const l of s.links) {
          l.closing = true;
          if (l.closed) continue;
          closing.push(
            new Promise((res) => {
              l.client.once('close', () => res());
              // A host behind a cut link never answers the goodbye: drop its socket.
              setTimeout(() => {
                l.client.destroy();
                res();
              }, 2000).unref();
            }),
          );
        }
      sessions.clear();
      // Ends every connection, jump hosts included, and any that a prepare still running completes later.
      dialer.closeAll();
      await Promise.all(closing);
    },
  };
  // options.signal cancels handshakes in flight (see handshake); connections already up stay until
  // close(), because stopping a gang sends its signals over them.
  return transport;

  function sessionOf(host: HostPlan): Session {
    const s = sessions.get(host.index);
    if (!s)
      throw new DtrainError('E_INTERNAL', `host ${host.name} was not prepared`, {
        category: 'internal',
      });
    return s;
  }
}

/** Where things come from in the launching environment. */
function contextOf(env: Readonly<Record<string, string | undefined>>, userHome: string | undefined) {
  const home = userHome ?? env['HOME'] ?? homedir();
  return {
    home,
    localUser: env['USER'] ?? env['LOGNAME'] ?? userInfo().username,
    agent: env['SSH_AUTH_SOCK'] || undefined,
    knownHosts: knownHostsPath(env, home),
  };
}

/** `~/x` and relative paths are under the remote home; absolute ones stay. */
function absolute(path: string, home: string): string {
  if (path === '~') return home;
  if (path.startsWith('~/')) return `${home}/${path.slice(2)}`;
  if (path.startsWith('/')) return path;
  return `${home}/${path}`;
}

/** The plan's worker entry becomes the uploaded bundle's; `--coordinator` becomes the forwarded port. */
export function rewriteArgv(argv: readonly string[], entry: string, coordinator: string): string[] {
  const out = [...argv];
  if (out[0] === 'node' && out[1] !== undefined && /\/bundles\/[^/]+\/worker\.m?js$/.test(out[1]))
    out[1] = entry;
  const i = out.indexOf('--coordinator');
  if (i >= 0 && i + 1 < out.length) out[i + 1] = coordinator;
  return out;
}

// --- connecting -----------------------------------------------------------------------------------

function makeDialer(
  o: {
    spec: JobSpec;
    env: Readonly<Record<string, string | undefined>>;
    userHome?: string;
    passphrase?: SshTransportOptions['passphrase'];
    signal?: AbortSignal;
  },
  knownHosts: string,
): Dialer {
  const ctx = contextOf(o.env, o.userHome);
  const jumps = new Map<string, Promise<Client>>();
  const live = new Set<Client>();
  let closed = false;
  const errorContext = { jobFile: o.spec.source.file, knownHosts };

  async function dial(
    target: SshTarget,
    mode: HostKeyMode,
    onSeen?: (s: HostKeySeen, a: string) => void,
  ): Promise<Client> {
    let sock: Duplex | undefined;
    if (target.jump) {
      const jump = target.jump;
      const key = `${jump.user}@${jump.hostName}:${jump.port}`;
      // A jump host is checked strictly unless the job says otherwise; in a scan it must already be trusted.
      let via = jumps.get(key);
      if (!via) {
        via = dial(jump, mode === 'collect' ? 'strict' : mode);
        jumps.set(key, via);
        via.catch(() => jumps.delete(key));
      }
      const client = await via.catch((error) => {
        throw new DtrainError(
          'E_SSH_JUMP',
          `could not reach ${target.name} through ${jump.name}: ${messageOf(error)}`,
          {
            category: 'infra',
            detail: error instanceof DtrainError ? error.detail : undefined,
            cause: error,
          },
        );
      });
      sock = await new Promise<Duplex>((res, rej) =>
        client.forwardOut('127.0.0.1', 0, target.hostName, target.port, (err, stream) =>
          err
            ? rej(
                new DtrainError(
                  'E_SSH_CONNECT',
                  `${jump.name} could not open a connection to ${target.hostName}:${target.port}: ${err.message}`,
                  { category: 'infra', cause: err },
                ),
              )
            : res(stream),
        ),
      );
    }
    const auth = mode === 'collect' ? NO_AUTH : await authMethods(target, ctx.agent, o.passphrase);
    const client = await handshake({
      target,
      mode,
      sock,
      auth,
      knownHosts,
      errorContext,
      onSeen,
      signal: o.signal,
    });
    // close() may come while this handshake was still running (another host failed first): a
    // connection made after it would keep dtrain alive, so it is ended at once.
    if (closed) {
      client.end();
      throw new DtrainError('E_INTERRUPTED', `connecting to ${target.name} was stopped`, {
        category: 'interrupted',
      });
    }
    live.add(client);
    client.once('close', () => live.delete(client));
    return client;
  }

  return {
    dial,
    closeAll() {
      closed = true;
      const all = [...live];
      for (const c of all) c.end();
      for (const j of jumps.values())
        void j.then(
          (c) => c.end(),
          () => {},
        );
      // end() waits for the server's goodbye; a host whose link is gone never sends one, and its socket
      // would keep dtrain running until TCP gives up. What has not closed by now is cut.
      setTimeout(() => {
        for (const c of all) c.destroy();
        for (const j of jumps.values())
          void j.then(
            (c) => c.destroy(),
            () => {},
          );
      }, 1500).unref();
    },
  };
}

interface AuthPlan {
  readonly methods: AnyAuthMethod[];
  readonly tried: readonly string[];
  readonly skipped: readonly string[];
}

// A collect-mode handshake stops at the host key and never logs in.
const NO_AUTH: AuthPlan = { methods: [], tried: [], skipped: [] };

interface Handshake {
  readonly target: SshTarget;
  readonly mode: HostKeyMode;
  readonly sock: Duplex | undefined;
  readonly auth: AuthPlan;
  readonly knownHosts: string;
  readonly errorContext: { readonly jobFile: string; readonly knownHosts: string };
  readonly onSeen: ((seen: HostKeySeen, action: string) => void) | undefined;
  readonly signal: AbortSignal | undefined;
}

async function handshake(h: Handshake): Promise<Client> {
  const { target } = h;
  const entries = await readKnownHosts(h.knownHosts);
  const preferred = knownKeyTypes(entries, target.hostName, target.port).flatMap((t) =>
    t === 'ssh-rsa'
      ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']
      : DEFAULT_HOST_KEY_ALGOS.includes(t)
        ? [t]
        : [],
  );
  const auth = h.auth;
  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    // Errors after the handshake are seen through 'close'; without a listener they would crash dtrain.
    client.on('error', () => {});
    let seen: HostKeySeen | undefined;
    let refused = false;
    let recordError: unknown;
    let settled = false;
    const timeoutMs = target.connectTimeout * 1000;
    const finish = (error: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      h.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) return resolve(client);
      client.destroy();
      reject(error);
    };
    const onAbort = () =>
      finish(
        new DtrainError('E_INTERRUPTED', `connecting to ${target.name} was stopped`, {
          category: 'interrupted',
        }),
      );
    h.signal?.addEventListener('abort', onAbort, { once: true });
    // ssh2's readyTimeout covers the handshake; this also covers a jump stream that never answers.
    const guard = setTimeout(
      () => finish(connectError(target, { level: 'client-timeout' }, auth)),
      timeoutMs + 1000,
    );
    client.once('ready', () => finish(undefined));
    client.once('error', (err: Error & { level?: string; code?: string }) => {
      if (refused && seen)
        finish(h.mode === 'collect' ? new CollectedKey(seen) : hostKeyError(seen, h.errorContext));
      else if (recordError)
        finish(
          new DtrainError(
            'E_KNOWN_HOSTS',
            `could not record the host key of ${target.name} in ${h.knownHosts}: ${messageOf(recordError)}`,
            { category: 'infra', cause: recordError },
          ),
        );
      else finish(connectError(target, err, auth));
    });
    client.once('close', () =>
      finish(connectError(target, { message: 'the server closed the connection' }, auth)),
    );
    client.connect({
      host: target.hostName,
      port: target.port,
      username: target.user,
      ...(h.sock ? { sock: h.sock } : {}),
      readyTimeout: timeoutMs,
      keepaliveInterval: 5000,
      keepaliveCountMax: 3,
      agentForward: false,
      tryKeyboard: false,
      ...(preferred.length > 0
        ? { algorithms: { serverHostKey: { remove: preferred, prepend: preferred } as never } }
        : {}),
      authHandler: auth.methods,
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        const keyType = keyTypeOf(key);
        const status: HostKeyStatus = checkHostKey(entries, target.hostName, target.port, keyType, key);
        seen = { name: target.name, hostName: target.hostName, port: target.port, keyType, key, status };
        const action = hostKeyAction(h.mode, status);
        h.onSeen?.(seen, action);
        if (action === 'refuse') {
          refused = true;
          return verify(false);
        }
        if (action === 'accept') return verify(true);
        appendKnownHost(h.knownHosts, target.hostName, target.port, key).then(
          () => verify(true),
          (error) => {
            recordError = error;
            verify(false);
          },
        );
      },
    });
  });
}

/** Thrown by a collect-mode handshake: the key was seen and, by design, not trusted. */
class CollectedKey extends Error {
  constructor(readonly seen: HostKeySeen) {
    super(`host key of ${seen.name} collected`);
  }
}

function connectError(
  target: SshTarget,
  err: { level?: string; code?: string; message?: string },
  auth: AuthPlan,
): DtrainError {
  const where = `${target.name}${target.hostName !== target.name ? ` (${target.hostName}:${target.port})` : target.port !== 22 ? `:${target.port}` : ''}`;
  if (err.level === 'client-authentication') {
    const skipped = auth.skipped.length ? `; skipped ${auth.skipped.join(', ')}` : '';
    return new DtrainError(
      'E_SSH_AUTH',
      `could not log in to ${where} as ${target.user}: the host accepted none of our keys`,
      {
        category: 'infra',
        detail: `tried: ${auth.tried.join(', ') || 'nothing'}${skipped}. Load the right key into ssh-agent (ssh-add) or set ssh.identity in the job file.`,
      },
    );
  }
  const timeout = `${target.connectTimeout}s`;
  const why =
    err.level === 'client-timeout' || err.code === 'ETIMEDOUT'
      ? `no SSH handshake within ${timeout} (ssh.connect_timeout)`
      : err.code === 'ECONNREFUSED'
        ? `connection refused on port ${target.port} (is sshd running?)`
        : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
          ? 'host name not found'
          : err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH'
            ? 'no route to host'
            : (err.message ?? 'unknown error');
  return new DtrainError('E_SSH_CONNECT', `could not connect to ${where}: ${why}`, { category: 'infra' });
}

/** Agent first, then key files; encrypted files need the agent or a passphrase prompt. */
async function authMethods(
  target: SshTarget,
  agent: string | undefined,
  passphrase: SshTransportOptions['passphrase'],
): Promise<AuthPlan> {
  const username = target.user;
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const skipped: string[] = [];
  if (agent) {
    methods.push({ type: 'agent', username, agent });
    tried.push('ssh-agent');
  }
  for (const file of target.identityFiles) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      if (target.defaultIdentities && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new DtrainError(
        'E_SSH_NO_KEY',
        `cannot read the SSH key ${file} (for ${target.name}): ${messageOf(error)}`,
        { category: 'infra' },
      );
    }
    let parsed = ssh2.utils.parseKey(data);
    let pass: string | undefined;
    if (parsed instanceof Error && /passphrase|encrypted/i.test(parsed.message)) {
      pass = passphrase ? await passphrase(file) : undefined;
      if (pass === undefined) {
        skipped.push(`${file} (encrypted)`);
        continue;
      }
      parsed = ssh2.utils.parseKey(data, pass);
    }
    if (parsed instanceof Error) {
      skipped.push(`${file} (${parsed.message})`);
      continue;
    }
    methods.push({
      type: 'publickey',
      username,
      key: data,
      ...(pass !== undefined ? { passphrase: pass } : {}),
    });
    tried.push(file);
  }
  if (methods.length === 0) {
    const encrypted = skipped
      .filter((s) => s.endsWith('(encrypted)'))
      .map((s) => s.replace(/ \(encrypted\)$/, ''));
    const detail = encrypted.length
      ? `${encrypted.join(', ')} ${encrypted.length > 1 ? 'are' : 'is'} encrypted and no ssh-agent is running (SSH_AUTH_SOCK is not set). Start one and add the key:\n  eval "$(ssh-agent)" && ssh-add ${encrypted[0]}`
      : `No ssh-agent (SSH_AUTH_SOCK) and none of ${target.identityFiles.join(', ')} could be used. Set ssh.identity in the job file or start ssh-agent.`;
    throw new DtrainError('E_SSH_NO_KEY', `no usable SSH key to log in to ${target.name}`, {
      category: 'infra',
      detail,
    });
  }
  return { methods, tried, skipped };
}

// --- running things on a host ---------------------------------------------------------------------

function execOn(client: Client, command: string, stdin?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, ch) => {
      if (err) return reject(err);
      const out: Buffer[] = [];
      const errs: Buffer[] = [];
      let code: number | null = null;
      let signal: string | null = null;
      ch.on('data', (d: Buffer) => out.push(d));
      ch.stderr.on('data', (d: Buffer) => errs.push(d));
      ch.on('exit', (c: number | null, s?: string) => {
        code = c ?? null;
        signal = s ?? null;
      });
      ch.on('close', () =>
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(errs).toString(),
        }),
      );
      ch.end(stdin);
    });
  });
}

function sftpOf(link: Link): Promise<SFTPWrapper> {
  link.sftp ??= new Promise((res, rej) => link.client.sftp((err, sftp) => (err ? rej(err) : res(sftp))));
  link.sftp.catch(() => {
    link.sftp = undefined;
  });
  return link.sftp;
}

function remoteOf(session: Session, link: Link): RemoteHost {
  return {
    name: session.plan.name,
    exec: (command, o) => execOn(link.client, command, o?.stdin),
    async putFile(localPath, remotePath) {
      const sftp = await sftpOf(link);
      await new Promise<void>((res, rej) => sftp.fastPut(localPath, remotePath, (e) => (e ? rej(e) : res())));
    },
    async rename(from, to) {
      const sftp = await sftpOf(link);
      await new Promise<void>((res, rej) => sftp.rename(from, to, (e) => (e ? rej(e) : res())));
    },
  };
}

/** The remote port that leads back to the coordinator, opened once per connection. */
function forwardPort(link: Link, coordinator: StartOptions['coordinator'], host: string): Promise<number> {
  link.coordinator = coordinator;
  link.forward ??= new Promise((res, rej) =>
    link.client.forwardIn('127.0.0.1', 0, (err, port) =>
      err
        ? rej(
            new DtrainError(
              'E_SSH_FORWARD',
              `${host} refused to forward a port back to the coordinator: ${err.message}`,
              {
                category: 'infra',
                detail:
                  "dtrain needs remote port forwarding; check `AllowTcpForwarding` in the host's sshd_config.",
              },
            ),
          )
        : res(port),
    ),
  );
  return link.forward;
}

function startRank(link: Link, rank: RankPlan, start: StartOptions, command: string): Promise<RankProcess> {
  return new Promise((resolve, reject) => {
    link.client.exec(command, (err, ch: ClientChannel) => {
      if (err) {
        link.ranks--;
        return reject(
          new DtrainError(
            'E_START',
            `could not start rank ${rank.rank} on ${rank.hostName}: ${err.message}`,
            { category: 'infra', cause: err },
          ),
        );
      }
      let pid: number | undefined;
      const early: string[] = [];
      let exit: SshRankExit | undefined;
      let settle!: (e: SshRankExit) => void;
      const exited = new Promise<SshRankExit>((res) => {
        settle = (e) => {
          if (exit && e !== exit) return;
          exit = e;
          link.onLost.delete(onLost);
          link.ranks--;
          res(e);
        };
      });
      let status: { code: number | null; signal: string | null } | undefined;
      const onLost = (reason: string) => {
        start.onLine('stderr', `dtrain: ${reason}; rank ${rank.rank} is considered lost`);
        settle({ code: null, signal: 'SIGHUP', reason });
      };
      link.onLost.add(onLost);
      const timer = setTimeout(() => {
        ch.close();
        reject(
          new DtrainError(
            'E_START',
            `rank ${rank.rank} on ${rank.hostName} did not start within ${PID_TIMEOUT_MS / 1000}s`,
            { category: 'infra', detail: early.join('\n') },
          ),
        );
      }, PID_TIMEOUT_MS);
      const stdout = lineSplitter((line) => {
        if (pid !== undefined) return start.onLine('stdout', line);
        if (!/^\d+$/.test(line)) return early.push(line);
        pid = Number(line);
        clearTimeout(timer);
        resolve({
          rank: rank.rank,
          pid,
          exited,
          kill: (signal) => queueKill(link, signal, pid!),
        });
      });
      const stderr = lineSplitter((line) => {
        if (pid === undefined) early.push(line);
        start.onLine('stderr', line);
      });
      ch.on('data', (d: Buffer) => stdout.push(d));
      ch.stderr.on('data', (d: Buffer) => stderr.push(d));
      ch.on('exit', (code: number | null, signal?: string) => {
        status = { code: code ?? null, signal: signal ?? null };
      });
      ch.on('close', () => {
        stdout.end();
        stderr.end();
        clearTimeout(timer);
        if (pid === undefined) {
          link.ranks--;
          link.onLost.delete(onLost);
          return reject(
            new DtrainError(
              'E_START',
              `rank ${rank.rank} did not start on ${rank.hostName} (exit ${status?.code ?? status?.signal ?? 'unknown'})`,
              {
                category: 'infra',
                detail: early.slice(-5).join('\n'),
              },
            ),
          );
        }
        if (status) return settle(status);
        // No exit status: the connection is going away; its close names the reason.
        setTimeout(
          () =>
            settle({
              code: null,
              signal: 'SIGHUP',
              reason: `the SSH channel to ${rank.hostName} closed without an exit status`,
            }),
          200,
        );
      });
      // The token travels only here: on the channel's stdin, then EOF.
      ch.on('error', () => {});
      ch.end(`${start.bootstrap}\n`);
    });
  });
}

/** Signals are batched per connection into one exec, so a gang stop does not exceed sshd's MaxSessions. */
function queueKill(link: Link, signal: NodeJS.Signals, pid: number): void {
  const name = signal.replace(/^SIG/, '');
  if (!/^[A-Z0-9]+$/.test(name) || link.closed) return;
  link.kills.push(`kill -s ${name} -- -${pid} 2>/dev/null`);
  if (link.killing) return;
  link.killing = true;
  setImmediate(function flush() {
    const batch = link.kills.splice(0);
    if (batch.length === 0 || link.closed) {
      link.killing = false;
      return;
    }
    execOn(link.client, `${batch.join('; ')}; true`)
      .catch(() => {})
      .finally(() => setImmediate(flush));
  });
}

function asHostError(error: unknown, host: string): DtrainError {
  if (error instanceof DtrainError) return error;
  return new DtrainError('E_SSH', `${host}: ${messageOf(error)}`, { category: 'infra', cause: error });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// --- dtrain hosts trust ---------------------------------------------------------------------------

/** What one host presented, for `dtrain hosts trust`. */
export interface HostKeyReport {
  /** The host as written in the job file. */
  readonly host: string;
  readonly hostName: string;
  readonly port: number;
  /** The jump host it was reached through, if any. */
  readonly via: string | undefined;
  readonly keyType: string | undefined;
  readonly key: Buffer | undefined;
  readonly fingerprint: string | undefined;
  /** ok = already in known_hosts; error = no key could be read (see `error`). */
  readonly status: HostKeyStatus | 'error';
  readonly error: string | undefined;
}

export interface ScanOptions {
  readonly spec: JobSpec;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly userHome?: string;
  readonly signal?: AbortSignal;
  readonly passphrase?: SshTransportOptions['passphrase'];
}

/**
 * Connects to every remote host of the job (and its jump hosts) far enough to read its host key,
 * logging in nowhere except jump hosts that are already trusted. Jump hosts come first in the list.
 */
export async function scanHostKeys(
  o: ScanOptions,
): Promise<{ knownHosts: string; reports: HostKeyReport[] }> {
  const ctx = contextOf(o.env, o.userHome);
  const config: SshConfig = await readSshConfig(sshConfigPath(o.env, ctx.home));
  const dialer = makeDialer(o, ctx.knownHosts);
  const targets = o.spec.hosts
    .filter((h) => !h.local)
    .map((h) => resolveTarget(h, { config, ssh: o.spec.ssh, home: ctx.home, localUser: ctx.localUser }));
  const all = new Map<string, SshTarget>();
  for (const t of targets) {
    for (let j = t.jump; j; j = j.jump) all.set(`jump ${j.hostName}:${j.port}`, j);
  }
  for (const t of targets) all.set(`${t.hostName}:${t.port}`, t);
  try {
    const reports = await Promise.all(
      [...all.values()].map(async (t): Promise<HostKeyReport> => {
        const base = { host: t.name, hostName: t.hostName, port: t.port, via: t.jump?.name };
        let seen: HostKeySeen | undefined;
        try {
          await dialer.dial(t, 'collect', (s) => {
            seen = s;
          });
        } catch (error) {
          if (!(error instanceof CollectedKey) && !seen)
            return {
              ...base,
              keyType: undefined,
              key: undefined,
              fingerprint: undefined,
              status: 'error',
              error: messageOf(error),
            };
        }
        const s = seen!;
        return {
          ...base,
          keyType: s.keyType,
          key: s.key,
          fingerprint: fingerprint(s.key),
          status: s.status,
          error: undefined,
        };
      }),
    );
    return { knownHosts: ctx.knownHosts, reports };
  } finally {
    dialer.closeAll();
  }
}
