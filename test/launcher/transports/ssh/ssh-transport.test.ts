/**
 * The SSH transport against real OpenSSH servers in network namespaces (test/cluster): host-key
 * policies with their exact refusals, unreachable hosts within the connect timeout, the Node check
 * before any upload, one upload per bundle hash, setup once, a rank started with its bootstrap on
 * stdin and a coordinator reached through the reverse tunnel, and kill() reaching the whole process
 * group. Skipped (with the reason) where the test bed cannot run; a failure in CI.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DtrainError } from '../../../../configs/errors.js';
import type { JobSpec } from '../../../../configs/job-spec.js';
import { parseJob } from '../../../../configs/parse-job.js';
import { planJob } from '../../../../launcher/plan/plan-job.js';
import type { RankPlan } from '../../../../launcher/plan/index.js';
import {
  buildWorkerBundle,
  provisionedTransport,
  type WorkerBundle,
} from '../../../../launcher/provision/index.js';
import type { HostStep, StepState, Transport } from '../../../../launcher/transports/index.js';
import { sshTransport } from '../../../../launcher/transports/ssh/index.js';
import { createTestbed, type Testbed } from '../../../cluster/testbed.js';
import { clusterSupport, needCluster } from '../../../helpers/cluster.js';
import { repoRoot } from '../../../helpers/paths.js';
import { eventually } from '../../../helpers/processes.js';

type Step = [string, HostStep, StepState, string | undefined];

describe('ssh transport on the namespace test bed', { timeout: 180_000 }, () => {
  let bed: Testbed;
  let bundle: WorkerBundle;
  let work: string;
  const home = mkdtempSync(join(tmpdir(), 'dtrain-ssh-home-'));

  before(async () => {
    if (!clusterSupport().ok) return;
    bed = await createTestbed({ hosts: 3, name: 'ssh-transport' });
    bundle = await buildWorkerBundle({ distDir: join(repoRoot, 'dist'), home });
    work = mkdtempSync(join(tmpdir(), 'dtrain-ssh-test-'));
  });
  after(() => bed?.destroy());

  function job(
    hosts: readonly number[],
    extra: {
      hostKeys?: string;
      setup?: string[];
      timeout?: number;
      address?: string;
      workdir?: string;
      jump?: number;
    } = {},
  ): JobSpec {
    const yaml = [
      'name: ssh-transport-test',
      'framework: doctor',
      'hosts:',
      ...hosts.map((i) => `  - root@${extra.address ?? bed.hosts[i]!.address}`),
      'ssh:',
      `  identity: ${bed.clientKeyPath}`,
      `  host_keys: ${extra.hostKeys ?? 'strict'}`,
      `  connect_timeout: ${extra.timeout ?? 5}`,
      ...(extra.jump === undefined ? [] : [`  jump: root@${bed.hosts[extra.jump]!.address}`]),
      'remote:',
      `  workdir: ${extra.workdir ?? '~/.cache/dtrain'}`,
      `  setup: ${JSON.stringify(extra.setup ?? [])}`,
      '  env: {FROM_REMOTE_ENV: "yes"}',
    ].join('\n');
    const parsed = parseJob(yaml, join(work, 'job.yaml'));
    assert.deepEqual(parsed.problems, []);
    return parsed.spec!;
  }

  /** The SSH transport as the launcher uses it: provisioned over the connection it opens. */
  async function transport(
    spec: JobSpec,
    jobId: string,
    env: Readonly<Record<string, string | undefined>>,
  ): Promise<Transport> {
    const ssh = await sshTransport({ ssh: spec.ssh, jobFile: spec.source.file, jobId, env });
    return provisionedTransport(ssh, { bundle: async () => bundle, setupEnv: spec.remote.env });
  }

  async function prepare(spec: JobSpec, knownHosts: string, jobId?: string) {
    const t = await transport(spec, jobId ?? 'job-ssh-test', {
      HOME: home,
      USER: 'root',
      DTRAIN_KNOWN_HOSTS: knownHosts,
      DTRAIN_SSH_CONFIG: join(work, 'no-config'),
    });
    const plan = planJob(spec, { local: false, jobId: jobId ?? 'job-ssh-test', bundle: bundle.hash });
    const steps: Step[] = [];
    const started = Date.now();
    let error: unknown;
    try {
      await Promise.all(
        plan.hosts.map((h) =>
          t.prepare(h, (host, step, state, detail) => steps.push([host, step, state, detail])),
        ),
      );
    } catch (e) {
      error = e;
    }
    return { t, plan, steps, error, ms: Date.now() - started };
  }

  const stepsOf = (steps: Step[], step: HostStep) => steps.filter((s) => s[1] === step).map((s) => s[2]);

  test('strict: an unknown host key is refused with its fingerprint and the commands to trust it', async (t) => {
    if (!needCluster(t)) return;
    const kh = join(work, 'kh-empty');
    const spec = job([0]);
    const r = await prepare(spec, kh);
    assert.ok(r.error instanceof DtrainError, String(r.error));
    const e = r.error;
    assert.equal(e.code, 'E_HOST_KEY_UNKNOWN');
    assert.equal(e.exitCode, 3);
    const h = bed.hosts[0]!;
    assert.equal(e.message, `host key of ${h.address} is not known: ssh-ed25519 ${h.hostKeyFingerprint}`);
    assert.ok(e.detail?.includes(`dtrain hosts trust ${join(work, 'job.yaml')}`), e.detail);
    assert.ok(e.detail?.includes(`ssh-keyscan ${h.address} >> ${kh}`), e.detail);
    assert.deepEqual(stepsOf(r.steps, 'host-key'), ['running', 'failed']);
    assert.deepEqual(stepsOf(r.steps, 'node'), [], 'nothing runs on an untrusted host');
    assert.ok(!existsSync(kh), 'strict never writes known_hosts');
    await r.t.close();
  });

  test('accept-new records a new key atomically, then it is known', async (t) => {
    if (!needCluster(t)) return;
    const kh = join(work, 'kh-accept');
    const r = await prepare(job([0], { hostKeys: 'accept-new' }), kh);
    assert.equal(r.error, undefined, String(r.error));
    const recorded = r.steps.find((s) => s[1] === 'host-key' && s[2] === 'done');
    assert.match(recorded?.[3] ?? '', /recorded new key ssh-ed25519 SHA256:/);
    assert.ok(readFileSync(kh, 'utf8').includes(bed.hosts[0]!.hostPublicKey.split(' ')[1]!));
    await r.t.close();
    const again = await prepare(job([0]), kh);
    assert.equal(again.error, undefined, 'strict now accepts it');
    await again.t.close();
  });

  test('off connects without checking and says so', async (t) => {
    if (!needCluster(t)) return;
    const r = await prepare(job([2], { hostKeys: 'off' }), join(work, 'kh-off'));
    assert.equal(r.error, undefined, String(r.error));
    const s = r.steps.find((x) => x[1] === 'host-key' && x[2] !== 'running');
    assert.equal(s?.[2], 'skipped');
    assert.match(s?.[3] ?? '', /^host key not checked \(host_keys: off\)/);
    await r.t.close();
  });

  test('unreachable host fails within the connect timeout, naming it', async (t) => {
    if (!needCluster(t)) return;
    await bed.cutLink(1);
    try {
      const r = await prepare(job([1], { timeout: 2 }), bed.knownHostsPath);
      assert.ok(r.error instanceof DtrainError);
      assert.equal(r.error.code, 'E_SSH_CONNECT');
      assert.equal(
        r.error.message,
        `could not connect to ${bed.hosts[1]!.address}: no SSH handshake within 2s (ssh.connect_timeout)`,
      );
      assert.ok(r.ms < 4000, `took ${r.ms} ms`);
      assert.deepEqual(stepsOf(r.steps, 'connect'), ['running', 'failed']);
    } finally {
      await bed.restoreLink(1);
    }
  });

  test('a host with Node < 20 is refused before anything is uploaded', async (t) => {
    if (!needCluster(t)) return;
    const fake = join(bed.hosts[1]!.binDir, 'node');
    writeFileSync(fake, '#!/bin/sh\necho v18.19.0\n', { mode: 0o755 });
    try {
      const r = await prepare(job([1]), bed.knownHostsPath);
      assert.ok(r.error instanceof DtrainError);
      assert.equal(r.error.message, `${bed.hosts[1]!.address} has Node v18.19.0; dtrain needs Node ≥ 20`);
      assert.deepEqual(stepsOf(r.steps, 'node'), ['running', 'failed']);
      assert.deepEqual(stepsOf(r.steps, 'upload'), []);
      assert.ok(!existsSync(join(bed.hosts[1]!.home, '.cache/dtrain/bundles')));
    } finally {
      rmSync(fake);
    }
  });

  test('prepare: hashed known_hosts, upload once per hash, setup once; the second run skips both', async (t) => {
    if (!needCluster(t)) return;
    const spec = job([0, 1], {
      setup: ['echo "ran $FROM_REMOTE_ENV" >> ~/setup.log'],
      workdir: 'fresh/workdir',
    });
    const first = await prepare(spec, bed.hashedKnownHostsPath);
    assert.equal(first.error, undefined, String(first.error));
    for (const i of [0, 1]) {
      const h = bed.hosts[i]!;
      const mine = first.steps.filter((s) => s[0] === h.address).map((s) => `${s[1]}:${s[2]}`);
      assert.deepEqual(mine, [
        'connect:running',
        'host-key:running',
        'host-key:done',
        'connect:done',
        'node:running',
        'node:done',
        'gpus:running',
        'gpus:done',
        'disk:done',
        'clock:done',
        'upload:running',
        'upload:done',
        'setup:running',
        'setup:running',
        'setup:done',
      ]);
      assert.ok(existsSync(join(h.home, `fresh/workdir/bundles/${bundle.hash}/.complete`)));
      assert.equal(readFileSync(join(h.home, 'setup.log'), 'utf8'), 'ran yes\n');
    }
    assert.equal(
      first.t.outputDir(first.plan.hosts[0]!, '/x'),
      `${bed.hosts[0]!.home}/fresh/workdir/jobs/job-ssh-test/output`,
    );
    await first.t.close();
    const second = await prepare(spec, bed.hashedKnownHostsPath);
    assert.equal(second.error, undefined, String(second.error));
    const upload = second.steps.filter((s) => s[1] === 'upload' && s[2] !== 'running');
    assert.deepEqual(
      upload.map((s) => [s[2], s[3]]),
      [
        ['skipped', `bundle ${bundle.hash} already on host`],
        ['skipped', `bundle ${bundle.hash} already on host`],
      ],
    );
    assert.deepEqual(stepsOf(second.steps, 'setup').slice(-1), ['skipped']);
    assert.equal(readFileSync(join(bed.hosts[0]!.home, 'setup.log'), 'utf8'), 'ran yes\n');
    await second.t.close();
  });

  let coordinator: { server: Server; port: number; received: string[] } | undefined;
  async function fakeCoordinator() {
    if (coordinator) return coordinator;
    const received: string[] = [];
    const server = createServer((s) => s.on('data', (d) => received.push(d.toString())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    coordinator = { server, port: (server.address() as { port: number }).port, received };
    return coordinator;
  }
  after(() => coordinator?.server.close());

  function rankWith(plan: { ranks: readonly RankPlan[] }, argv: string[]): RankPlan {
    // DTRAIN_HOST: a marker the fake rank sends back (a planned rank learns its host from its WorkerSpec).
    const env = { ...plan.ranks[0]!.env, TILDE_PATH: '~/data/part-0', DTRAIN_HOST: plan.ranks[0]!.hostName };
    return { ...plan.ranks[0]!, argv, env };
  }

  test('start: argv quoted, bootstrap on stdin only, env set, coordinator reached through the tunnel', async (t) => {
    if (!needCluster(t)) return;
    const jobId = 'job-start-test';
    const r = await prepare(job([0]), bed.knownHostsPath, jobId);
    assert.equal(r.error, undefined, String(r.error));
    const c = await fakeCoordinator();
    const script = [
      "const net = require('node:net');",
      "let input = ''; process.stdin.on('data', (d) => { input += d; });",
      "process.stdin.on('end', () => {",
      "  const [host, port] = process.argv[process.argv.indexOf('--coordinator') + 1].split(':');",
      "  const s = net.connect(Number(port), host, () => s.end('hello from ' + process.env.DTRAIN_HOST));",
      "  s.on('close', () => { console.log(JSON.stringify({ argv: process.argv.slice(1), input, env: process.env.FROM_REMOTE_ENV, tilde: process.env.TILDE_PATH, cwd: process.cwd(), coordinator: host + ':' + port })); console.error('to stderr'); });",
      '});',
    ].join('\n');
    const hostile = "$(touch /tmp/pwned) `x` 'q' ; a\nb";
    const lines: string[] = [];
    const proc = await r.t.start(
      rankWith(r.plan, ['node', '-e', script, '--', '--coordinator', 'LAUNCHER:1', hostile]),
      {
        bootstrap: '{"token":"SECRET-TOKEN-123"}',
        coordinator: { host: '127.0.0.1', port: c.port },
        onLine: (stream, line) => lines.push(`${stream}: ${line}`),
      },
    );
    assert.ok(proc.pid > 1);
    const exit = await proc.exited;
    assert.deepEqual(exit, { code: 0, signal: null }, lines.join('\n'));
    const out = JSON.parse(lines.find((l) => l.startsWith('stdout: '))!.slice(8));
    assert.equal(out.argv[0], '--coordinator');
    assert.match(out.argv[1], /^127\.0\.0\.1:\d+$/);
    assert.equal(out.argv[2], hostile);
    assert.equal(out.input, '{"token":"SECRET-TOKEN-123"}\n');
    assert.equal(out.env, 'yes');
    assert.equal(out.tilde, `${bed.hosts[0]!.home}/data/part-0`, "~ in the plan is the host's home");
    assert.equal(out.cwd, `${bed.hosts[0]!.home}/.cache/dtrain`);
    assert.ok(lines.includes('stderr: to stderr'));
    assert.ok(
      await eventually(() => c.received.includes(`hello from ${bed.hosts[0]!.address}`), 5000),
      c.received.join(),
    );
    assert.ok(!existsSync('/tmp/pwned'));
    // The token is in no log: sshd's log of the host holds commands and forwards, never stdin.
    assert.ok(!readFileSync(bed.hosts[0]!.sshdLog, 'utf8').includes('SECRET-TOKEN-123'));
    await r.t.close();
  });

  test('kill reaches the whole process group; exited reports the signal', async (t) => {
    if (!needCluster(t)) return;
    const jobId = `job-kill-${Date.now()}`;
    const r = await prepare(job([2], { hostKeys: 'accept-new' }), join(work, 'kh-kill'), jobId);
    assert.equal(r.error, undefined, String(r.error));
    const c = await fakeCoordinator();
    // A rank that starts a child of its own (same group) and waits forever.
    const script =
      "require('node:child_process').spawn('sleep', ['300'], { stdio: 'ignore' }); console.log('up'); setInterval(() => {}, 1000);";
    const lines: string[] = [];
    const proc = await r.t.start(
      { ...r.plan.ranks[0]!, argv: ['node', '-e', script] },
      {
        bootstrap: 'x',
        coordinator: { host: '127.0.0.1', port: c.port },
        onLine: (_s, line) => lines.push(line),
      },
    );
    const marker = `DTRAIN_JOB=${jobId}`;
    assert.ok(
      await eventually(() => lines.includes('up') && bed.processesInHost(2, marker).length >= 2, 10_000),
    );
    proc.kill('SIGTERM');
    const exit = await proc.exited;
    assert.deepEqual(exit, { code: null, signal: 'SIGTERM' });
    assert.ok(
      await eventually(() => bed.processesInHost(2, marker).length === 0, 5000),
      'the child is gone too',
    );
    proc.kill('SIGKILL'); // a process already gone is not an error
    await r.t.close();
  });

  test('ten ranks on one host (past sshd MaxSessions per connection) all start and all stop', async (t) => {
    if (!needCluster(t)) return;
    const jobId = `job-many-${Date.now()}`;
    const r = await prepare(job([2], { hostKeys: 'accept-new' }), join(work, 'kh-kill'), jobId);
    assert.equal(r.error, undefined, String(r.error));
    const c = await fakeCoordinator();
    const logins = () =>
      (readFileSync(bed.hosts[2]!.sshdLog, 'utf8').match(/Accepted publickey/g) ?? []).length;
    const before = logins();
    const procs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        r.t.start(
          { ...r.plan.ranks[0]!, rank: i, argv: ['node', '-e', 'setInterval(() => {}, 1000)'] },
          { bootstrap: 'x', coordinator: { host: '127.0.0.1', port: c.port }, onLine: () => {} },
        ),
      ),
    );
    assert.equal(new Set(procs.map((p) => p.pid)).size, 10);
    // The test bed allows 64 sessions; real sshd allows 10 per connection, so ranks 7-10 get a second one.
    assert.equal(logins() - before, 1, 'one more connection for the ranks past six');
    const marker = `DTRAIN_JOB=${jobId}`;
    assert.ok(await eventually(() => bed.processesInHost(2, marker).length === 10, 10_000));
    // As launch.ts stops a gang: TERM and CONT to every rank at once.
    for (const p of procs) {
      p.kill('SIGTERM');
      p.kill('SIGCONT');
    }
    const exits = await Promise.all(procs.map((p) => p.exited));
    assert.deepEqual(new Set(exits.map((e) => e.signal)), new Set(['SIGTERM']));
    assert.ok(await eventually(() => bed.processesInHost(2, marker).length === 0, 5000));
    await r.t.close();
  });

  test('put writes atomically under the host home; fetch brings a file back', async (t) => {
    if (!needCluster(t)) return;
    const r = await prepare(job([0]), bed.knownHostsPath, 'job-files');
    assert.equal(r.error, undefined, String(r.error));
    const local = join(work, 'part.csv');
    writeFileSync(local, 'a,b\n1,2\n');
    const host = r.plan.hosts[0]!;
    await r.t.put(host, local, '~/.cache/dtrain/jobs/job-files/data/rank-0-train.csv');
    const there = join(bed.hosts[0]!.home, '.cache/dtrain/jobs/job-files/data/rank-0-train.csv');
    assert.equal(readFileSync(there, 'utf8'), 'a,b\n1,2\n');
    await r.t.put(host, local, there); // over an existing file, by absolute path
    const back = join(work, 'back.csv');
    await r.t.fetch(host, there, back);
    assert.equal(readFileSync(back, 'utf8'), 'a,b\n1,2\n');
    await assert.rejects(
      r.t.fetch(host, '~/missing.json', join(work, 'missing.json')),
      /could not fetch ~\/missing.json from/,
    );
    assert.ok(!existsSync(join(work, 'missing.json')));
    await r.t.close();
  });

  test('ssh-agent first; an encrypted key without an agent is a clear error', async (t) => {
    if (!needCluster(t)) return;
    const enc = join(work, 'encrypted_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret-pass', '-f', enc]);
    const yaml = (identity: string): JobSpec => ({ ...job([0]), ssh: { ...job([0]).ssh, identity } });
    const noAgent = await prepare(yaml(enc), bed.knownHostsPath);
    assert.ok(noAgent.error instanceof DtrainError);
    assert.equal(noAgent.error.code, 'E_SSH_NO_KEY');
    assert.equal(noAgent.error.message, `no usable SSH key to log in to ${bed.hosts[0]!.address}`);
    assert.match(
      noAgent.error.detail ?? '',
      /encrypted_ed25519 is encrypted and no ssh-agent is running[\s\S]*ssh-add /,
    );
    await noAgent.t.close();
    // An agent holding the bed's key logs in even though the named key file is encrypted.
    const sock = join(work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    try {
      assert.ok(await eventually(() => existsSync(sock), 5000));
      execFileSync('ssh-add', [bed.clientKeyPath], { env: { SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      const tr = await transport(yaml(enc), 'job-agent', {
        HOME: home,
        USER: 'root',
        SSH_AUTH_SOCK: sock,
        DTRAIN_KNOWN_HOSTS: bed.knownHostsPath,
        DTRAIN_SSH_CONFIG: join(work, 'none'),
      });
      const plan = planJob(yaml(enc), { local: false, jobId: 'job-agent', bundle: bundle.hash });
      await tr.prepare(plan.hosts[0]!, () => {});
      await tr.close();
    } finally {
      agent.kill();
    }
  });

  test('a dropped connection ends the rank as lost, with a clear line', { timeout: 60_000 }, async (t) => {
    if (!needCluster(t)) return;
    const r = await prepare(job([0]), bed.knownHostsPath, `job-drop-${Date.now()}`);
    assert.equal(r.error, undefined, String(r.error));
    const c = await fakeCoordinator();
    const lines: string[] = [];
    const proc = await r.t.start(
      { ...r.plan.ranks[0]!, argv: ['node', '-e', 'setTimeout(() => {}, 120000)'] },
      {
        bootstrap: 'x',
        coordinator: { host: '127.0.0.1', port: c.port },
        onLine: (_s, line) => lines.push(line),
      },
    );
    await bed.cutLink(0);
    const started = Date.now();
    try {
      const exit = await proc.exited;
      const took = Date.now() - started;
      assert.equal(exit.code, null);
      assert.equal(exit.signal, 'SIGHUP');
      assert.ok(took < 25_000, `noticed after ${took} ms (keepalive 5 s × 3)`);
      assert.ok(
        lines.some((l) => l.includes(`the SSH connection to ${bed.hosts[0]!.address} dropped`)),
        lines.join('\n'),
      );
    } finally {
      await bed.restoreLink(0);
      await r.t.close();
    }
  });

  test('through a jump host: both keys checked, the rank reaches the coordinator from behind it', async (t) => {
    if (!needCluster(t)) return;
    const r = await prepare(job([1], { jump: 0 }), bed.knownHostsPath, 'job-jump');
    assert.equal(r.error, undefined, String(r.error));
    const connect = r.steps.find((s) => s[1] === 'connect' && s[2] === 'done');
    assert.equal(connect?.[3], `root@${bed.hosts[1]!.address} via ${bed.hosts[0]!.address}`);
    const c = await fakeCoordinator();
    const script =
      "const s = require('node:net').connect(Number(process.argv[2].split(':')[1]), '127.0.0.1', () => s.end('via jump'));";
    const proc = await r.t.start(rankWith(r.plan, ['node', '-e', script, '--', '--coordinator', 'x:1']), {
      bootstrap: 'x',
      coordinator: { host: '127.0.0.1', port: c.port },
      onLine: () => {},
    });
    assert.deepEqual(await proc.exited, { code: 0, signal: null });
    assert.ok(await eventually(() => c.received.includes('via jump'), 5000));
    await r.t.close();
    const unknownJump = await prepare(job([1], { jump: 0 }), join(work, 'kh-jump-unknown'), 'job-jump');
    assert.ok(unknownJump.error instanceof DtrainError);
    assert.equal(unknownJump.error.code, 'E_SSH_JUMP');
    assert.match(unknownJump.error.message, /through .* host key of .* is not known/);
    await unknownJump.t.close();
  });

  test('a changed host key is refused even with accept-new, and known_hosts is left alone', async (t) => {
    if (!needCluster(t)) return;
    const kh = join(work, 'kh-changed');
    writeFileSync(kh, readFileSync(bed.knownHostsPath));
    await bed.changeHostKey(1);
    for (const policy of ['strict', 'accept-new']) {
      const r = await prepare(job([1], { hostKeys: policy }), kh);
      assert.ok(r.error instanceof DtrainError);
      assert.equal(r.error.code, 'E_HOST_KEY_CHANGED');
      assert.equal(
        r.error.message,
        `host key of ${bed.hosts[1]!.address} has CHANGED: it now presents ssh-ed25519 ${bed.hosts[1]!.hostKeyFingerprint}`,
      );
      assert.ok(
        r.error.detail?.includes(`ssh-keygen -R '${bed.hosts[1]!.address}' -f ${kh}`),
        r.error.detail,
      );
      await r.t.close();
    }
    assert.deepEqual(readFileSync(kh), readFileSync(bed.knownHostsPath));
  });
});
