/**
 * The TUI's entry, loaded with a dynamic import() only when dtrain runs on a terminal: nothing else
 * imports Ink or React. It follows a job through the store (the same events a later `dtrain
 * attach` replays), draws it, and turns keys into a detach (leave, the job goes on) or a stop
 * (the job's coordinator is asked to stop the gang). It ends when the job ends, or on detach.
 */
import { createElement } from 'react';
import { render } from 'ink';
import { exitCodeFor } from '../../../configs/error-codes.js';
import { followJob, type JobEvent, type JobStore, stopJob } from '../../../launcher/index.js';
import { App } from './app.js';
import { TuiFeed } from './feed.js';
import type { Seed } from './state.js';
import type { Effect } from './ui.js';

export { App } from './app.js';
export { TuiFeed } from './feed.js';
export { initialState, reduce, type Seed, type TuiState } from './state.js';
export { initialUi, onKey, type UiState } from './ui.js';
export { Frame } from './views/frame.js';

/** The share of one core the TUI aims to stay under (bench/tui.ts measures it). */
export const TUI_CPU_SHARE = 0.025;

export interface TuiOptions {
  readonly store: JobStore;
  readonly jobId: string;
  readonly seed: Seed;
  readonly stdout: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly canDetach: boolean;
  readonly color: boolean;
}

export type TuiResult = { readonly how: 'ended'; readonly exitCode: number } | { readonly how: 'detached' };

export async function runTui(o: TuiOptions): Promise<TuiResult> {
  const feed = new TuiFeed(o.seed, 100, { cpuShare: TUI_CPU_SHARE });
  const follow = new AbortController();
  let detached = false;
  let stopAsked = false;
  const leave = () => {
    detached = true;
    follow.abort();
  };
  const stop = () => {
    if (stopAsked) return;
    stopAsked = true;
    // The end shows up as events (stopping, rank exits, job-end); following goes on until then.
    stopJob(o.store, o.jobId).catch(() => undefined);
  };
  const onEffect = (effect: Effect) => (effect === 'detach' ? leave() : stop());
  // Ctrl-C arrives as a key in raw mode; these are signals from elsewhere. A closed terminal
  // (SIGHUP) or a plain kill only ends this view; an interrupt stops the job, as Ctrl-C does.
  const onInterrupt = () => stop();
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', leave);
  process.on('SIGHUP', leave);
  const ink = render(
    createElement(App, { feed, clock: Date.now, canDetach: o.canDetach, color: o.color, onEffect }),
    {
      stdout: o.stdout as NodeJS.WriteStream,
      stdin: o.stdin as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 20,
    },
  );
  try {
    const end = await followJob(o.store, o.jobId, {
      onEvent: (e) => feed.push(e),
      onRecord: (r) => feed.seen(r.ranks.map((x) => x.lastSeen)),
      signal: follow.signal,
    });
    if (end.how === 'aborted' || detached) return { how: 'detached' };
    if (end.how === 'abandoned') {
      const r = end.record;
      const gone: JobEvent = {
        type: 'job-end',
        ts: Date.now(),
        state: r.state === 'succeeded' || r.state === 'stopped' ? r.state : 'failed',
        exitCode: r.exitCode ?? exitCodeFor('E_ABANDONED'),
        error: r.error ?? `the job's coordinator (pid ${r.coordinatorPid}) is gone`,
        elapsed: ((r.endedAt ?? Date.now()) - (r.startedAt ?? r.createdAt)) / 1000,
      };
      feed.push(gone);
      return { how: 'ended', exitCode: gone.exitCode };
    }
    return { how: 'ended', exitCode: end.event.exitCode };
  } finally {
    feed.notifyNow();
    // Let the last frame reach the terminal before Ink lets go of it.
    await new Promise((r) => setTimeout(r, 60));
    ink.unmount();
    await ink.waitUntilExit().catch(() => undefined);
    feed.close();
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', leave);
    process.off('SIGHUP', leave);
  }
}
