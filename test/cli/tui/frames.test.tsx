/**
 * Whole frames of the TUI, rendered by ink-testing-library from recorded events and a fixed clock:
 * a 4-rank job mid-run, a 2-host job while provisioning and while training, a silent rank going
 * late then stale, the help overlay, the stop question, 64 ranks in a scrolling window, a narrow
 * terminal, and the final frame.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import type { JobEvent } from '../../../launcher/index.js';
import { initialState, reduce, type Seed, seen, type TuiState } from '../../../cli/render/tui/state.js';
import { initialUi, type UiState } from '../../../cli/render/tui/ui.js';
import { Frame } from '../../../cli/render/tui/views/frame.js';
import { assertGolden } from '../../helpers/golden.js';
import { lastTs, localXgboostJob, TWO_HOST_SEED, twoHostJob } from './recorded.js';

/** A whole frame against test/fixtures/tui/<name>.txt (stored with a final newline). */
function assertFrame(name: string, frame: string): void {
  assertGolden(`test/fixtures/tui/${name}.txt`, `${frame}\n`);
}

export function stateOf(events: readonly JobEvent[], seed: Seed = {}): TuiState {
  return events.reduce(reduce, initialState(seed));
}

export function frameOf(
  state: TuiState,
  o: {
    now: number;
    ui?: Partial<UiState>;
    width?: number;
    height?: number;
    canDetach?: boolean;
    color?: boolean;
  },
): string {
  const { lastFrame, unmount } = render(
    <Frame
      state={state}
      ui={{ ...initialUi, ...o.ui }}
      now={o.now}
      width={o.width ?? 100}
      height={o.height ?? 24}
      canDetach={o.canDetach ?? true}
      color={o.color ?? false}
    />,
  );
  const frame = lastFrame() ?? '';
  unmount();
  return frame;
}

const local = localXgboostJob();
const localState = stateOf(local);
const localNow = lastTs(local) + 300;

test('a 4-rank local xgboost job mid-run', () => {
  const frame = frameOf(localState, { now: localNow });
  assertFrame('local-4-ranks', frame);
  assert.match(frame, /quickstart-20260115-093000-7f3a +running +00:06/);
  assert.equal((frame.match(/ running +120\/500 /g) ?? []).length, 4);
  assert.match(frame, /logloss over 120 steps/);
  assert.match(frame, /\[info\] round 120: train-logloss/);
});

test('a 2-host job while provisioning: a checklist per host with spinners', () => {
  const events = twoHostJob('provisioning');
  const frame = frameOf(stateOf(events, TWO_HOST_SEED), { now: lastTs(events) + 250 });
  assertFrame('two-hosts-provisioning', frame);
  assert.match(frame, /gpu-a +✓ connect +✓ host-key +✓ node +✓ upload +– setup +[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] data +· start/);
  assert.match(frame, /gpu-b +✓ connect +✓ host-key +✓ node +[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] upload +· setup/);
});

test('a 2-host job training: ranks grouped by host, GPUs shown', () => {
  const events = twoHostJob('training');
  const frame = frameOf(stateOf(events, TWO_HOST_SEED), { now: lastTs(events) + 400 });
  assertFrame('two-hosts-training', frame);
  assert.match(frame, />gpu-a +0 +0 running +37\/100 /);
  assert.match(frame, /\n +1 +1 running/);
  assert.match(frame, /\n gpu-b +2 +0 running/);
  assert.doesNotMatch(frame, /provisioning/);
});

test('a silent rank turns late (yellow, !) after 2 heartbeats and stale (red, !!) after 3', () => {
  // Every rank but 2 keeps reporting.
  const events = local.filter((e) => !(e.type === 'progress' && e.rank === 2 && e.step > 100));
  const s0 = stateOf(events);
  const quiet = s0.ranks[2]!.lastHeard!;
  // The others' heartbeats, as state.json records them, keep coming.
  const heard = (now: number) => [0, 1, 3].reduce((s, rank) => seen(s, rank, now - 200), s0);
  const at = (seconds: number) => {
    const now = quiet + seconds * 1000;
    return frameOf(heard(now), { now, height: 12, ui: { showLogs: false } });
  };
  const line = (f: string, rank: number) =>
    f.split('\n').find((l) => new RegExp(`^.{11} +${rank} `).test(l)) ?? '';
  assert.match(line(at(1.5), 2), / 1\.5s$/);
  assert.match(line(at(2.5), 2), / 2\.5s !$/);
  assert.match(line(at(3.5), 2), / 3\.5s !!$/);
  assertFrame('stale-rank', at(3.5));
  assert.match(line(at(3.5), 1), / 0\.2s$/);
});

test('the help overlay lists every key', () => {
  const frame = frameOf(localState, { now: localNow, ui: { overlay: 'help' } });
  assertFrame('help', frame);
  for (const key of ['↑/↓', 'l ', 'm ', 'd ', 's ', 'q ', 'Ctrl-C', '?']) assert.ok(frame.includes(key), key);
});

test('s asks before stopping the job', () => {
  const frame = frameOf(localState, { now: localNow, ui: { overlay: 'confirm-stop' } });
  assertFrame('confirm-stop', frame);
  assert.match(frame, /Stop job quickstart-20260115-093000-7f3a\? Every rank on every host stops\. \[y\/N\]/);
});

test('64 ranks on 8 hosts: a scrolling window that follows the selection', () => {
  const hosts = Array.from({ length: 8 }, (_, i) => `node-${i}`);
  const events = localXgboostJob({ ranks: 64, rounds: 30, hosts });
  const s = stateOf(events);
  const frame = frameOf(s, { now: lastTs(events) + 100, ui: { selected: 40 } });
  assertFrame('64-ranks', frame);
  assert.match(frame, />node-5 +40 running/);
  assert.match(frame, /↑ \d+ more · ↓ \d+ more {2}\(64 ranks\)/);
  assert.ok(frame.split('\n').length < 24);
});

test('a narrow terminal drops columns and never wraps', () => {
  const frame = frameOf(localState, { now: localNow, width: 56, height: 16 });
  assertFrame('narrow', frame);
  for (const l of frame.split('\n')) assert.ok(l.length <= 56, l);
});

test('the final frame says how the job ended', () => {
  const events: JobEvent[] = [
    ...local,
    { type: 'stopping', ts: localNow, reason: 'stopped by request' },
    ...[0, 1, 2, 3].map(
      (rank): JobEvent => ({
        type: 'rank-exit',
        ts: localNow + 10,
        rank,
        host: 'localhost',
        code: null,
        signal: 'SIGTERM',
      }),
    ),
    {
      type: 'job-end',
      ts: localNow + 20,
      state: 'stopped',
      exitCode: 130,
      error: 'stopped by request',
      elapsed: 6.5,
    },
  ];
  const frame = frameOf(stateOf(events), { now: localNow + 60_000 });
  assert.match(frame, /stopped \(exit 130\) +00:06/);
  assert.equal((frame.match(/ stopped +120\/500 .*SIGTERM/g) ?? []).length, 4);
  assert.match(frame, /stopped: stopped by request/);
});
