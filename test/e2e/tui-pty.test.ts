/**
 * The TUI end to end, in a real pseudo-terminal (tmux): `dtrain run` shows the TUI, `d` detaches
 * and the job goes on (`dtrain status` says running), `dtrain attach` shows it live again, `dtrain
 * stop` ends it, and no process of the job is left. Without tmux the test skips with the reason,
 * except under DTRAIN_REQUIRE_ALL (CI), where that is a failure.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { BIN, REPO, runDtrain, tempDir, writeJob } from '../helpers/dtrain-process.js';
import { eventually, processesOfJob } from '../helpers/processes.js';
import { cannotRun } from '../helpers/skip.js';

function needTmux(t: TestContext): boolean {
  return spawnSync('tmux', ['-V']).status === 0 || cannotRun(t, 'tmux not installed: apt-get install tmux');
}

function running(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const DATA = join(REPO, 'configs', 'examples', 'data');
const JOB = `name: tui-pty
framework: xgboost
parallelism: data
hosts:
  - address: localhost
    slots: 2
data:
  train: ${join(DATA, 'synthetic-train.csv')}
  valid: ${join(DATA, 'synthetic-valid.csv')}
  label: label
params:
  objective: binary:logistic
  eta: 0.01
  max_depth: 4
  num_boost_round: 100000
  eval_metric: [logloss]
  nthread: 1
output: runs/
`;

test('run in a terminal → TUI → d detaches → status running → attach shows progress → stop leaves nothing', async (t) => {
  if (!needTmux(t)) return;
  const home = tempDir();
  const dir = tempDir();
  writeJob(dir, 'job.yaml', JOB);
  // A private tmux server: its own socket, so nobody else's sessions are touched.
  const socket = join(dir, 'tmux.sock');
  const tmux = (...args: string[]) => execFileSync('tmux', ['-S', socket, ...args], { encoding: 'utf8' });
  const pane = (target: string) => tmux('capture-pane', '-p', '-t', target);
  // Not CI inside the terminal: there dtrain (and Ink) would print lines, as they should in CI.
  const env = `-u CI -u CONTINUOUS_INTEGRATION DTRAIN_HOME=${home} TERM=xterm-256color`;
  const waitPane = async (target: string, re: RegExp, ms: number): Promise<RegExpMatchArray> => {
    let m: RegExpMatchArray | null = null;
    const ok = await eventually(() => {
      m = pane(target).match(re);
      return m !== null;
    }, ms);
    assert.ok(ok && m, `pane ${target} never showed ${re}:\n${pane(target)}`);
    return m;
  };
  let jobId: string | undefined;
  try {
    tmux(
      'new-session',
      '-d',
      '-s',
      'run',
      '-x',
      '100',
      '-y',
      '30',
      `cd ${dir} && env ${env} ${process.execPath} ${BIN} run job.yaml; echo EXIT=$?; sleep 120`,
    );
    const first = await waitPane('run', /dtrain (tui-pty-\S+) +running +\d\d:\d\d/, 60000);
    jobId = first[1]!;
    await waitPane('run', /localhost +0 running +\d+\/100000 /, 30000);
    tmux('send-keys', '-t', 'run', 'd');
    await waitPane(
      'run',
      new RegExp(`detached from job ${jobId}; it keeps running\\.[\\s\\S]*EXIT=0`),
      10000,
    );

    const status = await runDtrain(['status', jobId], { home });
    assert.match(status.stdout, new RegExp(`job ${jobId} {2}running`), status.stdout + status.stderr);
    assert.ok(processesOfJob(jobId).length >= 2, 'the ranks run on after the detach');

    tmux(
      'new-session',
      '-d',
      '-s',
      'attach',
      '-x',
      '100',
      '-y',
      '30',
      `env ${env} ${process.execPath} ${BIN} attach ${jobId}; echo EXIT=$?; sleep 120`,
    );
    const before = Number((await waitPane('attach', /localhost +0 running +(\d+)\/100000 /, 20000))[1]);
    const after = await waitPane('attach', /localhost +0 running +(\d+)\/100000 /, 1);
    await eventually(() => Number(pane('attach').match(/ 0 running +(\d+)\//)?.[1] ?? 0) > before, 10000);
    assert.ok(
      Number(pane('attach').match(/ 0 running +(\d+)\//)?.[1]) > before,
      `no progress after ${after[0]}`,
    );
    assert.match(pane('attach'), /logloss over \d+ steps/);

    const stop = await runDtrain(['stop', jobId], { home });
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stdout, new RegExp(`stopped job ${jobId}`));
    await waitPane('attach', /stopped \(exit 130\)[\s\S]*EXIT=130/, 15000);
    assert.ok(
      await eventually(() => processesOfJob(jobId!).length === 0, 10000),
      `left: ${processesOfJob(jobId)}`,
    );
    const record = JSON.parse(
      execFileSync('cat', [join(home, 'jobs', jobId, 'state.json')], { encoding: 'utf8' }),
    );
    assert.equal(record.state, 'stopped');
    // The coordinator records the end, then exits; once the foreground `dtrain run` is gone its
    // parent is init, so a zombie of it counts as gone.
    assert.ok(await eventually(() => !running(record.coordinatorPid), 10000), 'the coordinator exits');
  } finally {
    if (jobId && processesOfJob(jobId).length > 0) await runDtrain(['stop', jobId], { home });
    spawnSync('tmux', ['-S', socket, 'kill-server']);
  }
});
