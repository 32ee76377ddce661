/**
 * The TUI's own state (what is selected, what is open) and its key bindings, as pure functions:
 * `onKey(ui, key, context)` returns the next UI state and, for keys that reach outside the view,
 * an effect for the caller (detach, stop). The Ink hook in use-keys.ts only translates Ink's input.
 */

export type Overlay = 'none' | 'help' | 'confirm-stop';

export interface UiState {
  readonly selected: number;
  readonly showLogs: boolean;
  /** Index into TuiState.metrics. */
  readonly metric: number;
  readonly overlay: Overlay;
  /** A stop was asked for; shown until the job ends. */
  readonly stopRequested: boolean;
}

export type Effect = 'detach' | 'stop';

/** A key as the hook sees it: the character typed, or a named key. */
export type Key =
  | { readonly name: 'up' | 'down' | 'pageup' | 'pagedown' | 'home' | 'end' | 'escape' | 'return' | 'ctrl-c' }
  | { readonly name: 'char'; readonly char: string };

export interface KeyContext {
  readonly ranks: number;
  readonly metrics: number;
  /** The job runs in its own background process, so leaving the view leaves it running. */
  readonly canDetach: boolean;
  readonly page: number;
}

export const initialUi: UiState = {
  selected: 0,
  showLogs: true,
  metric: 0,
  overlay: 'none',
  stopRequested: false,
};

export function onKey(ui: UiState, key: Key, ctx: KeyContext): { ui: UiState; effect?: Effect } {
  if (key.name === 'ctrl-c') return { ui: { ...ui, overlay: 'none', stopRequested: true }, effect: 'stop' };
  const ch = key.name === 'char' ? key.char : '';
  if (ui.overlay === 'confirm-stop') {
    if (ch === 'y' || ch === 'Y')
      return { ui: { ...ui, overlay: 'none', stopRequested: true }, effect: 'stop' };
    if (ch === 'n' || ch === 'N' || key.name === 'escape' || ch === 'q')
      return { ui: { ...ui, overlay: 'none' } };
    return { ui };
  }
  if (ui.overlay === 'help') {
    // Any key closes help; q and d still do what they say.
    if (ch !== 'q' && ch !== 'd') return { ui: { ...ui, overlay: 'none' } };
    ui = { ...ui, overlay: 'none' };
  }
  const last = Math.max(0, ctx.ranks - 1);
  const select = (n: number) => ({ ui: { ...ui, selected: Math.min(last, Math.max(0, n)) } });
  switch (key.name) {
    case 'up':
      return select(ui.selected - 1);
    case 'down':
      return select(ui.selected + 1);
    case 'pageup':
      return select(ui.selected - ctx.page);
    case 'pagedown':
      return select(ui.selected + ctx.page);
    case 'home':
      return select(0);
    case 'end':
      return select(last);
    case 'escape':
    case 'return':
      return { ui };
  }
  switch (ch) {
    case 'k':
      return select(ui.selected - 1);
    case 'j':
      return select(ui.selected + 1);
    case 'l':
      return { ui: { ...ui, showLogs: !ui.showLogs } };
    case 'm':
      return { ui: { ...ui, metric: ctx.metrics > 0 ? (ui.metric + 1) % ctx.metrics : 0 } };
    case '?':
      return { ui: { ...ui, overlay: 'help' } };
    case 'd':
      return ctx.canDetach ? { ui, effect: 'detach' } : { ui };
    case 's':
      return ui.stopRequested ? { ui } : { ui: { ...ui, overlay: 'confirm-stop' } };
    case 'q':
      if (ctx.canDetach) return { ui, effect: 'detach' };
      return ui.stopRequested ? { ui } : { ui: { ...ui, overlay: 'confirm-stop' } };
  }
  return { ui };
}

/** The key help, one binding a line (the `?` overlay and the man page say the same). */
export function helpLines(canDetach: boolean): [string, string][] {
  return [
    ['↑/↓ j/k', 'select a rank (PgUp/PgDn, Home/End jump)'],
    ['l', 'show or hide the log of the selected rank'],
    ['m', 'next metric in the chart'],
    [
      'd',
      canDetach
        ? 'detach: leave the job running, reattach with dtrain attach'
        : 'detach (not available here)',
    ],
    ['s', 'stop the job (asks y/n)'],
    ['q', canDetach ? 'quit this view (= detach; the job goes on)' : 'quit = stop the job (asks y/n)'],
    ['Ctrl-C', 'stop the job now, cleanly'],
    ['?', 'this help (any key closes it)'],
  ];
}
