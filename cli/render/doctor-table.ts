/** The doctor's result as a table: all-reduce latency and bandwidth per size next to raw TCP. */
import { columns, formatBytes } from './format.js';

interface Row {
  readonly bytes: number;
  readonly algBwMBs: number;
  readonly busBwMBs: number;
  readonly latencyUs: number;
}
interface Raw {
  readonly rttUs: number;
  readonly pairMBs: number;
  readonly ringMBs: number;
}
export interface DoctorResult {
  readonly kind: 'doctor';
  readonly worldSize: number;
  readonly raw: Raw | undefined;
  readonly rows: readonly Row[];
}

export function isDoctorResult(value: unknown): value is DoctorResult {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'doctor';
}

export function formatDoctorTable(result: DoctorResult): string[] {
  const lines: string[] = [];
  const raw = result.raw;
  if (raw) {
    lines.push(
      `raw TCP between ranks: round trip ${raw.rttUs.toFixed(1)} µs, one stream ${raw.pairMBs.toFixed(0)} MB/s, every rank at once ${raw.ringMBs.toFixed(0)} MB/s per link`,
    );
  }
  const table = [['SIZE', 'LATENCY µs', 'ALGBW MB/s', 'BUSBW MB/s', 'BUSBW/RAW']];
  for (const r of result.rows) {
    table.push([
      formatBytes(r.bytes),
      r.latencyUs.toFixed(1),
      r.algBwMBs.toFixed(1),
      r.busBwMBs.toFixed(1),
      raw && raw.ringMBs > 0 ? (r.busBwMBs / raw.ringMBs).toFixed(2) : '-',
    ]);
  }
  lines.push(`all-reduce (float32 sum) across ${result.worldSize} ranks:`);
  lines.push(...columns(table, [1, 2, 3, 4]).map((l) => `  ${l}`));
  return lines;
}
