/** Key bindings as a pure function: selection, toggles, and the keys that reach outside (detach, stop). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialUi, type Key, onKey, type UiState } from '../../../cli/render/tui/ui.js';

const ctx = { ranks: 4, metrics: 2, canDetach: true, page: 10 };
const ch = (c: string): Key => ({ name: 'char', char: c });
function press(keys: Key[], c = ctx, ui: UiState = initialUi) {
  const effects: string[] = [];
  for (const k of keys) {
    const out = onKey(ui, k, c);
    ui = out.ui;
    if (out.effect) effects.push(out.effect);
  }
  return { ui, effects };
}

test('arrows and j/k move the selection within the ranks', () => {
  assert.equal(press([{ name: 'down' }, { name: 'down' }, ch('j'), ch('j'), ch('j')]).ui.selected, 3);
  assert.equal(press([{ name: 'up' }]).ui.selected, 0);
  assert.equal(press([{ name: 'end' }, ch('k')]).ui.selected, 2);
  assert.equal(press([{ name: 'pagedown' }]).ui.selected, 3);
});

test('l toggles the log pane, m cycles the metrics, ? opens help and any key closes it', () => {
  assert.equal(press([ch('l')]).ui.showLogs, false);
  assert.equal(press([ch('m')]).ui.metric, 1);
  assert.equal(press([ch('m'), ch('m')]).ui.metric, 0);
  assert.equal(press([ch('?')]).ui.overlay, 'help');
  assert.equal(press([ch('?'), ch('x')]).ui.overlay, 'none');
  assert.deepEqual(press([ch('?'), ch('d')]).effects, ['detach']);
});

test('s asks first: y stops, n or Esc cancel', () => {
  assert.equal(press([ch('s')]).ui.overlay, 'confirm-stop');
  assert.deepEqual(press([ch('s')]).effects, []);
  const yes = press([ch('s'), ch('y')]);
  assert.deepEqual(yes.effects, ['stop']);
  assert.equal(yes.ui.stopRequested, true);
  assert.deepEqual(press([ch('s'), ch('n')]).effects, []);
  assert.equal(press([ch('s'), { name: 'escape' }]).ui.overlay, 'none');
});

test('Ctrl-C stops at once; d and q detach when the job runs on its own', () => {
  assert.deepEqual(press([{ name: 'ctrl-c' }]).effects, ['stop']);
  assert.deepEqual(press([ch('d')]).effects, ['detach']);
  assert.deepEqual(press([ch('q')]).effects, ['detach']);
});

test('without a background job, q means stop (asked), and d does nothing', () => {
  const inProcess = { ...ctx, canDetach: false };
  assert.deepEqual(press([ch('d')], inProcess).effects, []);
  assert.equal(press([ch('q')], inProcess).ui.overlay, 'confirm-stop');
  assert.deepEqual(press([ch('q'), ch('y')], inProcess).effects, ['stop']);
});
