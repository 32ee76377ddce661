/** Small text helpers shared by the renderers and the status/logs views. */

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e6)) return value.toPrecision(4);
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(abs < 1 ? 4 : abs < 100 ? 3 : 1);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${bytes / 1024} KiB`;
  if (bytes < 1 << 30) return `${bytes / (1 << 20)} MiB`;
  return `${bytes / (1 << 30)} GiB`;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function columns(rows: readonly (readonly string[])[], rightAlign: readonly number[] = []): string[] {
  const first = rows[0];
  if (!first) return [];
  const widths = first.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        if (rightAlign.includes(i)) return cell.padStart(widths[i]!);
        return i === row.length - 1 ? cell : cell.padEnd(widths[i]!);
      })
      .join('  ')
      .trimEnd(),
  );
}

export function rankRange(ranks: readonly number[]): string {
  if (ranks.length === 0) return 'none';
  const first = ranks[0]!;
  const last = ranks[ranks.length - 1]!;
  return first === last ? String(first) : `${first}-${last}`;
}
