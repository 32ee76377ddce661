/**
 * The coordinator's server: accepts worker connections (each authenticated with the job's HMAC
 * challenge before anything else is read), keeps one connection per rank, and hands every message to
 * the supervisor. Strangers and impostors are dropped and reported, never trusted or crashed on.
 */
import { type Connection, listen, type WorkerToCoordinator } from '../runtimes/protocol/index.js';
import type { CoordinatorToWorker } from '../runtimes/protocol/index.js';

export interface CoordinatorOptions {
  readonly token: string;
  readonly jobId: string;
  readonly host: string;
  readonly port: number;
  readonly worldSize: number;
  readonly onMessage: (rank: number, message: WorkerToCoordinator) => void;
  /** A rank's connection closed (its process may still be exiting). */
  readonly onDisconnect: (rank: number) => void;
  readonly onReject: (reason: string, remote: string) => void;
}

export class Coordinator {
  private readonly connections = new Map<number, Connection>();
  private server: { port: number; close(): Promise<void> } | undefined;

  constructor(private readonly options: CoordinatorOptions) {}

  /** Starts listening; resolves to the port actually bound. */
  async start(): Promise<number> {
    const o = this.options;
    this.server = await listen(
      o.host,
      o.port,
      { token: o.token, jobId: o.jobId, onReject: o.onReject },
      (c) => this.accept(c),
    );
    return this.server.port;
  }

  private accept(connection: Connection): void {
    const { role, rank } = connection.peer;
    const o = this.options;
    if (role !== 'worker' || !Number.isInteger(rank) || rank < 0 || rank >= o.worldSize) {
      o.onReject(`unexpected peer ${role} rank ${rank}`, connection.remoteAddress);
      connection.destroy();
      return;
    }
    if (this.connections.has(rank)) {
      o.onReject(`second connection for rank ${rank}`, connection.remoteAddress);
      connection.destroy();
      return;
    }
    this.connections.set(rank, connection);
    connection.on('frame', (frame) => {
      const header = frame.header as unknown as WorkerToCoordinator;
      // A worker speaks only for itself.
      if ((header as { rank?: unknown }).rank !== rank) return;
      o.onMessage(rank, header);
    });
    connection.on('close', () => {
      if (this.connections.get(rank) === connection) this.connections.delete(rank);
      o.onDisconnect(rank);
    });
  }

  send(rank: number, message: CoordinatorToWorker): void {
    const c = this.connections.get(rank);
    // A rank that vanished is noticed by its exit or silence, not here.
    c?.send(message as unknown as { t: string }).catch(() => {});
  }

  broadcast(message: CoordinatorToWorker): void {
    for (const rank of this.connections.keys()) this.send(rank, message);
  }

  async close(): Promise<void> {
    for (const c of this.connections.values()) c.destroy();
    this.connections.clear();
    await this.server?.close();
  }
}
