/** The live App: a feed of events re-renders it, keys typed on stdin become effects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { render } from 'ink-testing-library';
import { App } from '../../../cli/render/tui/app.js';
import { TuiFeed } from '../../../cli/render/tui/feed.js';
import type { Effect } from '../../../cli/render/tui/ui.js';
import { lastTs, localXgboostJob } from './recorded.js';

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

test('events reach the screen through the feed; s y stops, d detaches', async () => {
  const events = localXgboostJob({ rounds: 20 });
  const feed = new TuiFeed({}, 10);
  const effects: Effect[] = [];
  const now = lastTs(events) + 100;
  const ink = render(
    <App
      feed={feed}
      clock={() => now}
      canDetach
      color={false}
      onEffect={(e) => effects.push(e)}
      width={100}
      height={24}
      tickMs={0}
    />,
  );
  for (const e of events) feed.push(e);
  await tick(60);
  assert.match(ink.lastFrame() ?? '', / running +20\/500 /);
  ink.stdin.write('s');
  await tick();
  assert.match(ink.lastFrame() ?? '', /\[y\/N\]/);
  ink.stdin.write('y');
  await tick();
  assert.deepEqual(effects, ['stop']);
  assert.match(ink.lastFrame() ?? '', /running +00:0\d|stopping…/);
  ink.stdin.write('\u001B[B'); // down
  await tick();
  assert.match(ink.lastFrame() ?? '', />localhost? +1 |\n> +1 /);
  ink.stdin.write('d');
  await tick();
  assert.deepEqual(effects, ['stop', 'detach']);
  ink.unmount();
  feed.close();
});

test('a burst of events is one render per interval, not one per event', async () => {
  const feed = new TuiFeed({}, 100);
  let renders = 0;
  const off = feed.subscribe(() => renders++);
  for (const e of localXgboostJob({ ranks: 64, rounds: 20 })) feed.push(e);
  await tick(150);
  off();
  feed.close();
  assert.ok(renders <= 2, `${renders} renders`);
});
