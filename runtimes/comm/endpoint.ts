/**
 * A worker's peer port, opened before it knows its peers: `openEndpoint` listens (port 0 = any free
 * port, so the worker can report `endpoint.port` to the coordinator), authenticates every incoming
 * connection with the job token, and keeps authenticated 'peer' connections until the communicator
 * claims them by rank.
 */
import { DtrainError } from '../../configs/errors.js';
import { type AuthOptions, type Connection, type Listener, listen } from '../protocol/index.js';

/** An open peer port. Hand it to createCommunicator, which closes it once the mesh is formed. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly auth: AuthOptions;
  /** The authenticated connection from peer `rank`; rejects with E_CONNECT after `timeoutMs`. */
  accepted(rank: number, timeoutMs: number): Promise<Connection>;
  /** Stops listening and drops connections nobody claimed. */
  close(): Promise<void>;
}

/** Options of openEndpoint: the job's auth plus a callback for dropped connection attempts. */
export type EndpointOptions = AuthOptions & { readonly onReject?: (reason: string, remote: string) => void };

/** Opens a listening peer port on host:port (0 = any free port). */
export async function openEndpoint(host: string, port: number, auth: EndpointOptions): Promise<Endpoint> {
  const arrived = new Map<number, Connection>();
  const waiting = new Map<number, (c: Connection) => void>();
  const onConnection = (c: Connection) => {
    const rank = c.peer.rank;
    if (c.peer.role !== 'peer' || arrived.has(rank)) {
      auth.onReject?.(`unexpected ${c.peer.role} rank ${rank}`, c.remoteAddress);
      c.destroy();
      return;
    }
    const waiter = waiting.get(rank);
    if (waiter) {
      waiting.delete(rank);
      waiter(c);
    } else arrived.set(rank, c);
  };
  const listener: Listener = await listen(
    host,
    port,
    { ...auth, me: { role: 'peer', rank: -1 } },
    onConnection,
  );
  return {
    host,
    port: listener.port,
    auth,
    accepted(rank, timeoutMs) {
      const ready = arrived.get(rank);
      if (ready) {
        arrived.delete(rank);
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(rank);
          reject(
            new DtrainError(
              'E_CONNECT',
              `peer rank ${rank} did not connect to port ${listener.port} in time`,
              {
                category: 'infra',
              },
            ),
          );
        }, timeoutMs);
        waiting.set(rank, (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
    },
    async close() {
      await listener.close();
      for (const c of arrived.values()) c.destroy();
      arrived.clear();
    },
  };
}
