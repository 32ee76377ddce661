/**
 * Rendezvous: every rank registers its peer address with the coordinator; once all have, the gang
 * is complete and the peer table can go out. Ranks that miss the start-up deadline are named.
 */
import type { PeerAddress } from '../../runtimes/protocol/index.js';
import type { RankPlan } from '../plan/contract.js';

export class Rendezvous {
  private readonly peers = new Map<number, PeerAddress>();
  private deadline: NodeJS.Timeout | undefined;

  constructor(private readonly ranks: readonly RankPlan[]) {}

  /** Records a rank's address; true once every rank has registered. */
  register(peer: PeerAddress): boolean {
    this.peers.set(peer.rank, peer);
    return this.peers.size === this.ranks.length;
  }

  /** Every rank's address, by rank. */
  table(): PeerAddress[] {
    return [...this.peers.values()].sort((a, b) => a.rank - b.rank);
  }

  /** Calls `onMissed` with the ranks still missing (`3 (gpu-b), 4 (gpu-b)`) unless all register in `ms`. */
  startDeadline(ms: number, onMissed: (missing: string) => void): void {
    this.deadline = setTimeout(() => {
      const missing = this.ranks.filter((r) => !this.peers.has(r.rank));
      onMissed(missing.map((r) => `${r.rank} (${r.hostName})`).join(', '));
    }, ms);
  }

  /** The deadline is met (or moot); a long job must not hit it later. */
  clearDeadline(): void {
    clearTimeout(this.deadline);
  }
}
