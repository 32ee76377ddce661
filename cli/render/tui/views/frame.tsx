/**
 * One whole screen, from the job state, the UI state and the time: a pure view, so tests render it
 * with any state and clock. Lines are budgeted so the frame never fills the terminal (Ink would
 * then clear the screen on every update): header, provisioning, rank table, chart, log pane, footer.
 */
import { Box } from 'ink';
import type { ReactNode } from 'react';
import type { TuiState } from '../state.js';
import type { UiState } from '../ui.js';
import { Footer } from './footer.js';
import { Header } from './header.js';
import { Help } from './help.js';
import { LogPane } from './log-pane.js';
import { chartSets, MetricChart } from './metric-chart.js';
import { ColorContext } from './paint.js';
import { Provisioning, showProvisioning } from './provisioning.js';
import { RankTable } from './rank-table.js';

export interface FrameProps {
  readonly state: TuiState;
  readonly ui: UiState;
  readonly now: number;
  readonly width: number;
  readonly height: number;
  readonly canDetach: boolean;
  readonly color: boolean;
}

export interface Budget {
  readonly provisioning: number;
  readonly table: number;
  readonly chart: boolean;
  readonly logs: number;
}

const LOG_MAX = 6;

/** How many lines each part gets in `height` lines (one kept free). */
export function budget(s: TuiState, ui: UiState, height: number): Budget {
  let free = Math.max(6, height - 1) - 2 - 1; // header, footer
  const provisioning = showProvisioning(s)
    ? Math.min(1 + s.hosts.length, Math.max(2, Math.floor(free / 3)))
    : 0;
  free -= provisioning;
  const chartLines = chartSets(s, ui.metric).length;
  const chart = chartLines > 0 && free - (chartLines + 1) >= 5;
  if (chart) free -= chartLines + 1;
  free -= 1; // table header
  const n = s.ranks.length;
  const logWanted = ui.showLogs ? 1 + LOG_MAX : 0;
  // The table shrinks to three rows before the log pane does.
  const table = Math.max(1, Math.min(n, Math.max(3, free - logWanted)));
  free -= table;
  const logs = ui.showLogs && free >= 2 ? Math.min(LOG_MAX, free - 1) : 0;
  return { provisioning, table, chart, logs };
}

export function Frame(props: FrameProps): ReactNode {
  const { state: s, ui, width } = props;
  const b = budget(s, ui, props.height);
  const selected = Math.min(ui.selected, Math.max(0, s.ranks.length - 1));
  return (
    <ColorContext.Provider value={props.color}>
      <Box flexDirection="column" width={width}>
        <Header state={s} now={props.now} stopRequested={ui.stopRequested} width={width} />
        {ui.overlay === 'help' ? (
          <Help canDetach={props.canDetach} width={width} />
        ) : (
          <>
            {b.provisioning > 0 ? (
              <Provisioning state={s} now={props.now} width={width} rows={b.provisioning} />
            ) : null}
            <RankTable state={s} selected={selected} now={props.now} width={width} rows={b.table} />
            {b.chart ? <MetricChart state={s} metric={ui.metric} width={width} /> : null}
            {b.logs > 0 ? <LogPane state={s} rank={selected} lines={b.logs} width={width} /> : null}
          </>
        )}
        <Footer state={s} ui={ui} canDetach={props.canDetach} width={width} />
      </Box>
    </ColorContext.Provider>
  );
}
