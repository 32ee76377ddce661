/**
 * The live TUI: the job state from a TuiFeed, the UI state from keys, a clock for ages and
 * spinners, and the terminal's size. Everything it shows is drawn by the pure <Frame>.
 */
import { useStdout } from 'ink';
import { type ReactNode, useEffect, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import type { TuiFeed } from './feed.js';
import { type Effect, initialUi, type Key, onKey, type UiState } from './ui.js';
import { useKeys } from './use-keys.js';
import { Frame } from './views/frame.js';
import { showProvisioning } from './views/provisioning.js';

export interface AppProps {
  readonly feed: TuiFeed;
  readonly clock: () => number;
  readonly canDetach: boolean;
  readonly color: boolean;
  readonly onEffect: (effect: Effect) => void;
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  readonly width?: number;
  readonly height?: number;
  readonly initial?: UiState;
  /** Re-render for ages and the elapsed clock (ms); 0 turns the tick off (tests with a fake clock). */
  readonly tickMs?: number;
}

export function App(props: AppProps): ReactNode {
  const state = useSyncExternalStore(props.feed.subscribe, props.feed.get);
  const [ui, setUi] = useState(props.initial ?? initialUi);
  const uiRef = useRef(ui);
  const size = useTerminalSize();
  const width = props.width ?? size.width;
  const height = props.height ?? size.height;
  const [, tick] = useReducer((n: number) => n + 1, 0);
  const spinning = showProvisioning(state);
  const tickMs = props.tickMs ?? 1000;
  const ended = state.end !== undefined;
  useEffect(() => {
    if (tickMs <= 0 || ended) return;
    // Spinners turn ten times a second; otherwise ages move once a second.
    const every = spinning ? Math.min(tickMs, 100) : tickMs;
    // A frame drawn for new events already shows fresh ages: tick only when none came lately.
    const t = setInterval(() => {
      if (Date.now() - props.feed.lastNotifyAt >= every * 0.9) tick();
    }, every);
    return () => clearInterval(t);
  }, [tickMs, spinning, ended, props.feed]);
  useKeys((key: Key) => {
    const page = Math.max(1, height - 12);
    const out = onKey(uiRef.current, key, {
      ranks: state.ranks.length,
      metrics: state.metrics.length,
      canDetach: props.canDetach,
      page,
    });
    uiRef.current = out.ui;
    setUi(out.ui);
    if (out.effect) props.onEffect(out.effect);
  }, !ended);
  return (
    <Frame
      state={state}
      ui={ui}
      now={props.clock()}
      width={width}
      height={height}
      canDetach={props.canDetach}
      color={props.color}
    />
  );
}

function useTerminalSize(): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  });
  return size;
}
