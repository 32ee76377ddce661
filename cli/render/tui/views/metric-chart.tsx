/** The chosen metric over the steps so far, one sparkline per set (train, valid), on one scale. */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import type { TuiState } from '../state.js';
import { clip, fit, sparkline } from '../text.js';
import { formatNumber } from '../../format.js';
import { Paint } from './paint.js';

/** Lines the chart takes: a title and one line per set that has the metric. */
export function chartSets(s: TuiState, metric: number): string[] {
  const base = s.metrics[metric % Math.max(1, s.metrics.length)];
  if (base === undefined) return [];
  return Object.keys(s.series).filter((name) => name.endsWith(`-${base}`) || name === base);
}

export function MetricChart(props: { state: TuiState; metric: number; width: number }): ReactNode {
  const { state: s, width } = props;
  const sets = chartSets(s, props.metric);
  if (sets.length === 0) return null;
  const index = props.metric % s.metrics.length;
  const base = s.metrics[index]!;
  const all = sets.flatMap((n) => s.series[n]!.values);
  const range: [number, number] = [Math.min(...all), Math.max(...all)];
  const label = Math.max(...sets.map((n) => n.length - base.length - 1), 5);
  const valueWidth = 10;
  const graph = Math.max(0, width - label - valueWidth - 3);
  const last = s.series[sets[0]!]!.steps.at(-1) ?? 0;
  const title = `${base} over ${last} steps${s.metrics.length > 1 ? `  (m: ${index + 1}/${s.metrics.length})` : ''}`;
  return (
    <>
      <Paint tone="dim" bold>
        {clip(title, width)}
      </Paint>
      {sets.map((name) => {
        const series = s.series[name]!;
        const set = name === base ? '' : name.slice(0, name.length - base.length - 1);
        return (
          <Text key={name} wrap="truncate">
            {`${fit(set, label)} `}
            <Paint tone={set === 'train' ? 'info' : 'warn'}>
              {fit(sparkline(series.values, graph, range), graph)}
            </Paint>
            {` ${fit(formatNumber(series.values.at(-1) ?? Number.NaN), valueWidth, 'right')}`}
          </Text>
        );
      })}
    </>
  );
}
