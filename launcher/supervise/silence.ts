/**
 * Heartbeat silence: which rank has been quiet past the timeout, and which ranks share its fate.
 * Pure over the ranks' records, so the rule can be read (and tested) apart from the timers.
 */
import type { RankRecord } from '../store/types.js';
import { isTerminal } from '../rank-state.js';

export interface Silence {
  /** The first running rank found silent past the timeout. */
  readonly rank: number;
  readonly host: string;
  readonly silentFor: number;
  /** Ranks to declare lost (the silent one, and the quiet ones on its host), with seconds silent. */
  readonly lost: readonly { readonly rank: number; readonly host: string; readonly silentFor: number }[];
}

/**
 * The first ready or running rank silent for more than `timeoutS`, or undefined. Ranks on the same
 * host that were quiet for two heartbeat intervals share its fate (a cut link, a dead host).
 */
export function findSilence(
  ranks: readonly RankRecord[],
  now: number,
  timeoutS: number,
  intervalS: number,
): Silence | undefined {
  const limit = timeoutS * 1000;
  const quiet = intervalS * 2000;
  for (const r of ranks) {
    if (r.state !== 'ready' && r.state !== 'running') continue;
    if (r.lastSeen === undefined || now - r.lastSeen <= limit) continue;
    const lost = [];
    for (const other of ranks) {
      if (other !== r && other.host !== r.host) continue;
      if (other !== r && !(other.lastSeen !== undefined && now - other.lastSeen > quiet)) continue;
      if (isTerminal(other.state)) continue;
      lost.push({ rank: other.rank, host: other.host, silentFor: (now - (other.lastSeen ?? now)) / 1000 });
    }
    return { rank: r.rank, host: r.host, silentFor: (now - r.lastSeen) / 1000, lost };
  }
  return undefined;
}
