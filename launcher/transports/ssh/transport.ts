/**
 * The SSH transport: runs ranks on remote hosts over OpenSSH-compatible connections (ssh2). Per host
 * it connects (dial.ts: agent, then key files; ProxyJump; keepalives; a connect timeout), always
 * verifies the host key against known_hosts, and hands the launcher a RemoteHost on that connection
 * to provision; once told where the worker is (place), it starts ranks as quoted argv arrays with the
 * bootstrap line on stdin. Each rank reaches the coordinator through a port forwarded back over its
 * host's connection, so workers need no route to this machine. A rank's pid is its process group
 * (sshd starts each command in its own session), and kill() signals that group over the same
 * connection. No agent forwarding, ever. It reads nothing of the job but what it is given here.
 */
import { DtrainError } from '../../../configs/errors.js';
import type { SshSpec } from '../../../configs/index.js';
import type { HostPlan, RankPlan } from '../../plan/contract.js';
import type { ConnectedHost, RankProcess, RemoteTransport, StartOptions, StepSink } from '../types.js';
import type { PassphrasePrompt } from './auth.js';
import { readSshConfig, sshConfigPath } from './config.js';
import { absoluteOnHost, contextOf } from './context.js';
import { makeDialer } from './dial.js';
import { asHostError } from './errors.js';
import { fetchFile, putFile } from './files.js';
import type { HostKeySeen } from './host-key.js';
import { fingerprint } from './known-hosts.js';
import { closeLinks, forwardPort, type Link, linkOf, remoteOf } from './link.js';
import { rankCommand } from './quote.js';
import { rewriteArgv, startRank } from './start-rank.js';
import { describeTarget, resolveTarget, type SshTarget } from './target.js';

export interface SshTransportOptions {
  /** The job file's `ssh:` settings: identity, host_keys, jump, connect_timeout. */
  readonly ssh: SshSpec;
  /** The job file's path, named in host-key errors (`dtrain hosts trust FILE`); '' for none. */
  readonly jobFile: string;
  /** Names each host's output folder: `<workdir>/jobs/<jobId>/output`. */
  readonly jobId: string;
  /** The launching environment: SSH_AUTH_SOCK, HOME, USER, DTRAIN_KNOWN_HOSTS, DTRAIN_SSH_CONFIG. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  /** The local user's home (default: env.HOME, else the OS's). */
  readonly userHome?: string;
  /** Asked for an encrypted key's passphrase (a TTY prompt); without it such keys need the agent. */
  readonly passphrase?: PassphrasePrompt;
}

// sshd's MaxSessions defaults to 10 channels per connection: ranks beyond this open another one.
const RANKS_PER_LINK = 6;

interface Session {
  readonly plan: HostPlan;
  readonly target: SshTarget;
  readonly links: Link[];
  /** A connection being opened for ranks, and how many ranks wait for it. */
  pending?: { link: Promise<Link>; reserved: number };
  readonly home: string;
  readonly workdir: string;
  /** The worker script on the host (set by place()); undefined until the host is provisioned. */
  entry?: string;
}

export function sshTransport(options: SshTransportOptions): RemoteTransport {
  const ctx = contextOf(options.env, options.userHome);
  const config = readSshConfig(sshConfigPath(options.env, ctx.home));
  const dialer = makeDialer({
    context: ctx,
    jobFile: options.jobFile,
    passphrase: options.passphrase,
    signal: options.signal,
  });
  const sessions = new Map<number, Session>();
  const hostKeys = options.ssh.host_keys;

  async function openLink(target: SshTarget, onSeen?: (s: HostKeySeen, a: string) => void): Promise<Link> {
    return linkOf(await dialer.dial(target, hostKeys, onSeen), target.name);
  }

  async function connect(host: HostPlan, onStep: StepSink): Promise<ConnectedHost> {
    let current: 'connect' | 'host-key' = 'connect';
    try {
      const target = resolveTarget(
        { address: host.name, port: host.sshPort, user: host.user },
        { config: await config, ssh: options.ssh, home: ctx.home, localUser: ctx.localUser },
      );
      onStep(host.name, 'connect', 'running', describeTarget(target));
      const link = await openLink(target, (seen, action) => {
        current = 'host-key';
        onStep(host.name, 'host-key', 'running');
        const fp = `${seen.keyType} ${fingerprint(seen.key)}`;
        if (hostKeys === 'off')
          onStep(
            host.name,
            'host-key',
            'skipped',
            `host key not checked (host_keys: off); it presented ${fp}`,
          );
        else if (action === 'record')
          onStep(host.name, 'host-key', 'done', `recorded new key ${fp} (host_keys: accept-new)`);
        else if (action === 'accept') onStep(host.name, 'host-key', 'done', `${fp} matches known_hosts`);
      });
      current = 'connect';
      onStep(host.name, 'connect', 'done', describeTarget(target));
      const remote = remoteOf(host.name, link);
      const home = (await remote.exec('printf %s "$HOME"')).stdout.trim();
      const workdir = absoluteOnHost(host.workdir, home);
      sessions.set(host.index, { plan: host, target, links: [link], home, workdir });
      return { remote, workdir };
    } catch (error) {
      const e = asHostError(error, host.name);
      onStep(host.name, current, 'failed', e.message);
      throw e;
    }
  }

  async function start(rank: RankPlan, start: StartOptions): Promise<RankProcess> {
    const session = sessions.get(rank.host);
    if (!session?.entry)
      throw new DtrainError('E_INTERNAL', `host ${rank.hostName} was not prepared before rank ${rank.rank}`, {
        category: 'internal',
      });
    const link = await reserveLink(session, (target) => openLink(target));
    const port = await forwardPort(link, start.coordinator, session.target.name);
    // The plan writes remote paths as the user does (`~/.cache/dtrain/...`); quoted words are not
    // expanded by the shell, so `~` is replaced by the host's home here.
    const home = (v: string) => (v === '~' || v.startsWith('~/') ? absoluteOnHost(v, session.home) : v);
    const argv = rewriteArgv(rank.argv, session.entry, `127.0.0.1:${port}`).map(home);
    const env = Object.fromEntries(Object.entries(rank.env).map(([k, v]) => [k, home(v)]));
    return startRank(link, rank, start, rankCommand(session.workdir, env, argv));
  }

  function sessionOf(host: HostPlan): Session {
    const s = sessions.get(host.index);
    if (!s)
      throw new DtrainError('E_INTERNAL', `host ${host.name} was not prepared`, {
        category: 'internal',
      });
    return s;
  }

  // options.signal cancels handshakes in flight (see handshake.ts); connections already up stay
  // until close(), because stopping a gang sends its signals over them.
  return {
    name: 'ssh',
    connect,
    place(host, placement) {
      sessionOf(host).entry = placement.entry;
    },
    start,
    async put(host, localPath, remotePath) {
      const session = sessionOf(host);
      await putFile(session.links[0]!, localPath, absoluteOnHost(remotePath, session.home));
    },
    async fetch(host, remotePath, localPath) {
      const session = sessionOf(host);
      const from = absoluteOnHost(remotePath, session.home);
      await fetchFile(session.links[0]!, from, localPath, { shown: remotePath, host: host.name });
    },
    outputDir(host, _localOutputDir) {
      return `${sessionOf(host).workdir}/jobs/${options.jobId}/output`;
    },
    async close() {
      const closing = [...sessions.values()].flatMap((s) => closeLinks(s.links));
      sessions.clear();
      // Ends every connection, jump hosts included, and any that a connect still running completes later.
      dialer.closeAll();
      await Promise.all(closing);
    },
  };
}

/** A connection with room for one more rank; starts at the same moment share a new one. */
function reserveLink(session: Session, open: (target: SshTarget) => Promise<Link>): Promise<Link> {
  const free = session.links.find((l) => !l.closed && l.ranks < RANKS_PER_LINK);
  if (free) {
    free.ranks++;
    return Promise.resolve(free);
  }
  let pending = session.pending;
  if (!pending || pending.reserved >= RANKS_PER_LINK) {
    const next: { link: Promise<Link>; reserved: number } = { link: undefined as never, reserved: 0 };
    next.link = open(session.target).then(
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
