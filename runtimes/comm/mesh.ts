/**
 * Forms the full mesh behind a Communicator. Every rank has already opened its endpoint (endpoint.ts)
 * and learnt the peer table; rank i dials every rank j < i (authenticating as role 'peer', rank i) and
 * accepts one connection from every rank j > i on its endpoint. Dials retry while the deadline allows,
 * since a peer may still be on its way to listen.
 */
import { DtrainError } from '../../configs/errors.js';
import { type AuthOptions, type Connection, connect } from '../protocol/index.js';
import { type CommTuning, Communicator } from './communicator.js';
import type { Endpoint } from './endpoint.js';

/** A peer's address as the coordinator's peer table lists it. */
export interface PeerEntry {
  readonly rank: number;
  readonly host: string;
  readonly port: number;
}

/** Everything createCommunicator needs: this rank's open endpoint and the peer table. */
export interface CommunicatorOptions extends CommTuning {
  readonly endpoint: Endpoint;
  readonly rank: number;
  readonly worldSize: number;
  /** Every rank's address (this rank's own entry is ignored). */
  readonly peers: readonly PeerEntry[];
  /** How long forming the mesh may take; default 30 s. */
  readonly connectTimeoutMs?: number;
}

async function dial(
  entry: PeerEntry,
  rank: number,
  auth: AuthOptions,
  deadline: number,
): Promise<Connection> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await connect(entry.host, entry.port, { role: 'peer', rank }, auth);
    } catch (e) {
      const retry = e instanceof DtrainError && e.code === 'E_CONNECT' && Date.now() < deadline;
      if (!retry) throw e;
      await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 1.5 ** attempt)));
    }
  }
}

/** Connects to every peer and returns the Communicator; rejects with E_CONNECT/E_AUTH (category 'infra'). */
export async function createCommunicator(opts: CommunicatorOptions): Promise<Communicator> {
  const { endpoint, rank, worldSize } = opts;
  if (!Number.isInteger(rank) || rank < 0 || rank >= worldSize) {
    throw new DtrainError('E_INTERNAL', `rank ${rank} is outside world size ${worldSize}`, {
      category: 'internal',
    });
  }
  const timeoutMs = opts.connectTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  const byRank = new Map(opts.peers.map((p) => [p.rank, p]));
  const pending: Promise<Connection>[] = [];
  for (let j = 0; j < worldSize; j++) {
    if (j === rank) continue;
    const entry = byRank.get(j);
    if (j < rank && entry === undefined) {
      throw new DtrainError('E_INTERNAL', `the peer table has no address for rank ${j}`, {
        category: 'internal',
      });
    }
    pending.push(j < rank ? dial(entry!, rank, endpoint.auth, deadline) : endpoint.accepted(j, timeoutMs));
  }
  const settled = await Promise.allSettled(pending);
  const conns: (Connection | undefined)[] = [];
  let failure: unknown;
  let i = 0;
  for (let j = 0; j < worldSize; j++) {
    if (j === rank) conns.push(undefined);
    else {
      const s = settled[i++]!;
      if (s.status === 'fulfilled') conns.push(s.value);
      else failure ??= s.reason;
    }
  }
  if (failure !== undefined) {
    for (const c of conns) c?.destroy();
    await endpoint.close();
    throw failure;
  }
  // Every peer is connected; nobody else should dial this port.
  await endpoint.close();
  return new Communicator(rank, conns, opts);
}
