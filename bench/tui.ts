/**
 * bench:tui — what the TUI costs while a big job runs: 64 ranks, each reporting progress 10 times a
 * second (640 events/s), drawn by the real Ink app into a fake terminal (120×40, a TTY as Ink sees
 * it) for `--seconds` (default 10). The CPU time of this process (process.cpuUsage, user + system)
 * over the wall time is the share of one core. The baseline, measured in the same run on the same
 * event stream, is the plain line renderer. Both first run `--warmup` seconds unmeasured (the JIT
 * and the TUI's frame pacing settle: a job's view stays open for minutes). Target: under 5 % of
 * one core.
 *   npm run bench:tui -- [--seconds 10] [--warmup 2] [--ranks 64] [--hz 10]
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { JobEvent } from '../launcher/index.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 10);
const RANKS = arg('ranks', 64);
const HZ = arg('hz', 10);
const WARMUP = arg('warmup', 2);
const HOSTS = 8;

/** A terminal that swallows what it is sent, counting bytes and writes. */
class FakeTerminal extends Writable {
  readonly isTTY = true;
  readonly columns = 120;
  readonly rows = 40;
  bytes = 0;
  writes = 0;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.bytes += chunk.length;
    this.writes++;
    done();
  }
}

/** Enough of a TTY stdin for Ink's key handling. */
class FakeStdin extends EventEmitter {
  readonly isTTY = true;
  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  read(): null {
    return null;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

function header(t0: number): JobEvent[] {
  const hosts = Array.from({ length: HOSTS }, (_, i) => `gpu-${String.fromCharCode(97 + i)}`);
  const hostOf = (r: number) => hosts[Math.floor((r * HOSTS) / RANKS)]!;
  const ev: JobEvent[] = [
    {
      type: 'job-start',
      ts: t0,
      jobId: 'bench-tui-0000',
      name: 'bench-tui',
      framework: 'xgboost',
      parallelism: 'data',
      worldSize: RANKS,
      hosts,
      local: false,
    },
  ];
  for (const h of hosts) ev.push({ type: 'host-ready', ts: t0, host: h, ranks: [] });
  for (let r = 0; r < RANKS; r++)
    ev.push({ type: 'rank-start', ts: t0, rank: r, host: hostOf(r), pid: 1000 + r });
  for (let r = 0; r < RANKS; r++)
    ev.push({ type: 'rank-ready', ts: t0, rank: r, host: hostOf(r), port: 30000 + r });
  ev.push({ type: 'training-start', ts: t0, worldSize: RANKS });
  return ev;
}

/** One tick's events: a progress report from every rank (with metrics), and a log line now and then. */
function tick(step: number, now: number): JobEvent[] {
  const ev: JobEvent[] = [];
  for (let r = 0; r < RANKS; r++)
    ev.push({
      type: 'progress',
      ts: now,
      rank: r,
      step,
      total: 100000,
      unit: 'round',
      rate: HZ,
      eta: (100000 - step) / HZ,
      samplesPerSec: 50000 + r,
      metrics: { 'train-logloss': 0.7 / (1 + step / 50), 'valid-logloss': 0.75 / (1 + step / 60) },
    });
  if (step % 5 === 0)
    ev.push({ type: 'log', ts: now, rank: 0, stream: 'worker', line: `[info] round ${step}` });
  return ev;
}

/** Feeds events at HZ for SECONDS into `sink`; returns the share of one core spent meanwhile. */
async function measure(
  sink: (e: JobEvent) => void,
): Promise<{ share: number; events: number; seconds: number }> {
  for (const e of header(Date.now())) sink(e);
  await new Promise((r) => setTimeout(r, 200));
  const start = performance.now();
  let cpu0 = process.cpuUsage();
  let t0 = start + WARMUP * 1000;
  let measuring = WARMUP <= 0;
  let step = 0;
  let events = 0;
  const end = t0 + SECONDS * 1000;
  while (performance.now() < end) {
    if (!measuring && performance.now() >= t0) {
      measuring = true;
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      events = 0;
    }
    step++;
    for (const e of tick(step, Date.now())) {
      sink(e);
      events++;
    }
    const next = start + (step * 1000) / HZ;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  return { share: (cpu.user + cpu.system) / 1e6 / seconds, events, seconds };
}

interface Drawn {
  readonly share: number;
  readonly events: number;
  readonly seconds: number;
  readonly frames: number;
  readonly bytes: number;
}

function row(name: string, d: Drawn): string[] {
  return [
    name,
    String(d.events),
    d.seconds.toFixed(1),
    String(d.frames),
    String(d.bytes),
    `${(100 * d.share).toFixed(2)} %`,
  ];
}

/** The real App in Ink, fed the stream; `cpuShare` as dtrain paces it, or none (10 fps cap). */
async function drawTui(
  App: typeof import('../cli/render/tui/index.js').App,
  TuiFeed: typeof import('../cli/render/tui/index.js').TuiFeed,
  render: typeof import('ink').render,
  createElement: typeof import('react').createElement,
  cpuShare: number | undefined,
): Promise<Drawn> {
  const out = new FakeTerminal();
  const feed = new TuiFeed({ heartbeatInterval: 1 }, 100, cpuShare === undefined ? {} : { cpuShare });
  let frames = 0;
  let framesBefore = 0;
  const ink = render(
    createElement(App, { feed, clock: Date.now, canDetach: true, color: true, onEffect: () => {} }),
    {
      stdout: out as unknown as NodeJS.WriteStream,
      stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: 20,
      onRender: () => {
        frames++;
      },
    },
  );
  let bytesBefore = 0;
  setTimeout(
    () => {
      framesBefore = frames;
      bytesBefore = out.bytes;
    },
    200 + WARMUP * 1000,
  ).unref();
  const m = await measure((e) => feed.push(e));
  ink.unmount();
  feed.close();
  return { ...m, frames: frames - framesBefore, bytes: out.bytes - bytesBefore };
}

async function main(): Promise<void> {
  // Ink draws only the last frame when it thinks it runs in CI; a terminal user is not in CI.
  delete process.env['CI'];
  // React as dtrain loads it for the TUI (cli/commands/attach.ts): the production build.
  process.env['NODE_ENV'] ??= 'production';
  delete process.env['CONTINUOUS_INTEGRATION'];
  const { plainRenderer } = await import('../cli/render/plain.js');
  const { render } = await import('ink');
  const { createElement } = await import('react');
  const { App, TUI_CPU_SHARE, TuiFeed } = await import('../cli/render/tui/index.js');

  const plainOut = new FakeTerminal();
  const plain = await measure(plainRenderer(plainOut, { json: false }));

  const paced = await drawTui(App, TuiFeed, render, createElement, TUI_CPU_SHARE);
  const unpaced = await drawTui(App, TuiFeed, render, createElement, undefined);

  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  const rows = [
    ['renderer', 'events', 'seconds', 'frames', 'bytes out', 'cpu (one core)'],
    [
      'plain lines',
      String(plain.events),
      plain.seconds.toFixed(1),
      '-',
      String(plainOut.bytes),
      pct(plain.share),
    ],
    row('tui, paced (as dtrain runs it)', paced),
    row('tui, unpaced (10 fps cap)', unpaced),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(
    `${RANKS} ranks on ${HOSTS} hosts, every rank reporting ${HZ} times a second, 120×40 terminal; ${SECONDS} s measured after ${WARMUP} s`,
  );
  for (const r of rows)
    console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  console.log(`target: tui under 5 % of one core -> ${paced.share < 0.05 ? 'met' : 'NOT met'}`);
  console.log(
    `bench tui: ranks=${RANKS} hz=${HZ} cpu_share=${paced.share.toFixed(4)} plain_share=${plain.share.toFixed(4)} unpaced_share=${unpaced.share.toFixed(4)}`,
  );
  // Ink's stdin listeners are gone with the unmount; nothing else holds the loop.
  setTimeout(() => process.exit(0), 100).unref();
}

await main();
