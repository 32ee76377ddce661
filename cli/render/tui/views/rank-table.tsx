/**
 * The ranks, grouped by host, one line each, in a window that scrolls to keep the selected rank in
 * view (64 ranks stay readable in 24 lines). Columns drop from the right-hand side of importance
 * (bar, GPU, rate) as the terminal narrows. The HEARD cell turns yellow after two heartbeat
 * intervals of silence and red after three, with ! and !! for terminals without colour.
 */
import { Text } from 'ink';
import { type ReactNode, useContext } from 'react';
import { type Liveness, liveness, type RankView, type TuiState } from '../state.js';
import { age, bar, fit, rate } from '../text.js';
import { ColorContext, Paint, type Tone } from './paint.js';

export interface Columns {
  readonly host: number;
  readonly gpu: boolean;
  readonly step: number;
  readonly bar: number;
  readonly rate: boolean;
}

const RANK = 4;
const STATE = 9;
const PCT = 4;
const RATE = 13;
const HEARD = 8;

/** Which columns fit in `width`. */
export function tableColumns(s: TuiState, width: number): Columns {
  const host = Math.min(16, Math.max(4, ...s.ranks.map((r) => r.host.length)));
  const maxTotal = Math.max(0, ...s.ranks.map((r) => r.total));
  const step = Math.max(4, String(maxTotal).length * 2 + 1);
  // marker + host + rank + state + step + pct + heard, each followed by one space
  const base = 1 + host + 1 + RANK + 1 + STATE + 1 + step + 1 + PCT + 1 + HEARD;
  let room = width - base;
  const rateOn = room >= RATE + 1;
  if (rateOn) room -= RATE + 1;
  const gpuOn = room >= 4 && s.ranks.some((r) => r.gpu !== undefined);
  if (gpuOn) room -= 4;
  const barWidth = room >= 7 ? Math.min(30, room - 1) : 0;
  return { host, gpu: gpuOn, step, bar: barWidth, rate: rateOn };
}

/** The first rank in a window of `rows` lines that keeps `selected` in view, centred where it can. */
export function windowStart(count: number, rows: number, selected: number): number {
  if (count <= rows) return 0;
  return Math.min(count - rows, Math.max(0, selected - Math.floor(rows / 2)));
}

const STATE_TONE: Record<string, Tone> = {
  pending: 'dim',
  starting: 'info',
  ready: 'info',
  running: 'ok',
  succeeded: 'ok',
  failed: 'bad',
  lost: 'bad',
  stopped: 'warn',
};

const LIVE_TONE: Record<Liveness, Tone> = { ok: 'plain', late: 'warn', stale: 'bad', none: 'dim' };
const LIVE_MARK: Record<Liveness, string> = { ok: '', late: ' !', stale: ' !!', none: '' };

export function RankTable(props: {
  state: TuiState;
  selected: number;
  now: number;
  width: number;
  /** Lines for rank rows (a scroll line is taken from them when not all fit). */
  rows: number;
}): ReactNode {
  const { state: s, now, width } = props;
  const cols = tableColumns(s, width);
  const n = s.ranks.length;
  const scrolls = n > props.rows;
  const rows = Math.max(1, scrolls ? props.rows - 1 : props.rows);
  const start = windowStart(n, rows, props.selected);
  const shown = s.ranks.slice(start, start + rows);
  const head = [
    ' ',
    fit('HOST', cols.host),
    ' ',
    fit('RANK', RANK, 'right'),
    ' ',
    cols.gpu ? `${fit('GPU', 3, 'right')} ` : '',
    fit('STATE', STATE),
    ' ',
    fit('STEP', cols.step, 'right'),
    ' ',
    cols.bar ? `${fit('PROGRESS', cols.bar)} ` : '',
    fit('', PCT),
    ' ',
    cols.rate ? `${fit('RATE', RATE, 'right')} ` : '',
    fit('HEARD', HEARD, 'right'),
  ].join('');
  return (
    <>
      <Paint tone="dim" bold>
        {head.trimEnd()}
      </Paint>
      {shown.map((r, i) => (
        <RankRow
          key={r.rank}
          rank={r}
          cols={cols}
          selected={r.rank === props.selected}
          // The host is named on the first row of its group, and at the top of the window.
          showHost={i === 0 || shown[i - 1]?.host !== r.host}
          now={now}
          interval={s.heartbeatInterval}
          unit={s.framework === 'tensorflow' ? 'samples/s' : 'rows/s'}
        />
      ))}
      {scrolls ? (
        <Paint tone="dim">
          {fit(
            `  ${start > 0 ? `↑ ${start} more` : ''}${start > 0 && start + rows < n ? ' · ' : ''}${start + rows < n ? `↓ ${n - start - rows} more` : ''}  (${n} ranks)`,
            width,
          ).trimEnd()}
        </Paint>
      ) : null}
    </>
  );
}

function RankRow(props: {
  rank: RankView;
  cols: Columns;
  selected: boolean;
  showHost: boolean;
  now: number;
  interval: number;
  unit: string;
}): ReactNode {
  const { rank: r, cols } = props;
  const live = liveness(r, props.now, props.interval);
  const heard =
    r.lastHeard === undefined || live === 'none'
      ? (r.ended ?? '-')
      : `${age(Math.max(0, props.now - r.lastHeard) / 1000)}${LIVE_MARK[live]}`;
  const pct = r.total > 0 ? `${Math.floor((100 * r.step) / r.total)}%` : '';
  const perSec =
    r.samplesPerSec !== undefined && r.samplesPerSec > 0
      ? `${rate(r.samplesPerSec)} ${props.unit}`
      : r.rate > 0
        ? `${rate(r.rate)} ${r.unit}/s`
        : '-';
  const left = [
    props.selected ? '>' : ' ',
    fit(props.showHost ? r.host : '', cols.host),
    ' ',
    fit(String(r.rank), RANK, 'right'),
    ' ',
    cols.gpu ? `${fit(r.gpu === undefined ? '-' : String(r.gpu), 3, 'right')} ` : '',
  ].join('');
  const step = r.total > 0 ? `${r.step}/${r.total}` : '-';
  return (
    <Text wrap="truncate">
      <Paint inverse={props.selected}>{left}</Paint>
      <Paint tone={STATE_TONE[r.state] ?? 'plain'}>{fit(r.state, STATE)}</Paint>
      {` ${fit(step, cols.step, 'right')} `}
      {cols.bar ? (
        <Bar done={r.step} total={r.total} width={cols.bar} active={r.state === 'running'} />
      ) : null}
      {`${fit(pct, PCT, 'right')} `}
      {cols.rate ? `${fit(perSec, RATE, 'right')} ` : ''}
      <Paint tone={LIVE_TONE[live]}>{fit(heard, HEARD, 'right')}</Paint>
    </Text>
  );
}

/**
 * A progress bar and the space after it. In colour it is drawn with background colours on plain
 * spaces: a line of ASCII costs Ink a fraction of what block characters do (string widths of
 * non-ASCII text go through the grapheme segmenter), which matters at 64 rows a frame. Without
 * colour, block characters carry it.
 */
function Bar(props: { done: number; total: number; width: number; active: boolean }): ReactNode {
  const color = useContext(ColorContext);
  if (props.total <= 0) return `${' '.repeat(props.width)} `;
  if (!color) return <Paint tone="plain">{`${bar(props.done, props.total, props.width)} `}</Paint>;
  const full = Math.round(Math.min(1, Math.max(0, props.done / props.total)) * props.width);
  return (
    <>
      <Text backgroundColor={props.active ? 'cyan' : 'white'}>{' '.repeat(full)}</Text>
      <Text backgroundColor="gray">{' '.repeat(props.width - full)}</Text>{' '}
    </>
  );
}
