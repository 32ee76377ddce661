/** Pure text pieces of the TUI: bars, sparklines, fitting to a width. No React here. */

const BLOCKS = '▁▂▃▄▅▆▇█';
export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A progress bar `width` cells wide: full blocks, one partial eighth, then light shade. */
export function bar(done: number, total: number, width: number): string {
  if (width <= 0) return '';
  const frac = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const eighths = Math.round(frac * width * 8);
  const full = Math.floor(eighths / 8);
  const part = eighths % 8;
  const partial = part > 0 ? ('▏▎▍▌▋▊▉'[7 - part] ?? '') : '';
  return '█'.repeat(full) + partial + '░'.repeat(Math.max(0, width - full - (partial ? 1 : 0)));
}

/**
 * The last value of each of `width` buckets over the series, as block characters scaled from the
 * series' min to its max (a flat series sits on the middle line).
 */
export function sparkline(values: readonly number[], width: number, range?: [number, number]): string {
  if (width <= 0 || values.length === 0) return '';
  const n = values.length;
  const cols = Math.min(width, n);
  const picked: number[] = [];
  for (let c = 0; c < cols; c++) picked.push(values[Math.min(n - 1, Math.floor(((c + 1) * n) / cols) - 1)]!);
  const lo = range ? range[0] : Math.min(...picked);
  const hi = range ? range[1] : Math.max(...picked);
  let out = '';
  for (const v of picked) {
    const level = hi > lo ? Math.round(((v - lo) / (hi - lo)) * (BLOCKS.length - 1)) : 3;
    out += BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, level))];
  }
  return out;
}

/** Pads or cuts to exactly `width` columns (cut text ends in …). */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** Cuts to at most `width` columns, no padding. */
export function clip(text: string, width: number): string {
  return text.length > width ? fit(text, width) : text;
}

/** Compact rate: 1234567 → 1.23M. */
export function rate(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '-';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** Seconds as a short age: 0.4s, 12s, 3m05s. */
export function age(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Elapsed time as a clock: 04:07 or 1:02:03. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}
