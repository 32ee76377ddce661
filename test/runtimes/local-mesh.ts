/**
 * Test helper: N communicators in this process over 127.0.0.1, every endpoint on a free port (port 0),
 * formed exactly as workers do it: open endpoints first, then create communicators from the table.
 */
import { randomBytes } from 'node:crypto';
import {
  type CommTuning,
  type Communicator,
  createCommunicator,
  openEndpoint,
} from '../../runtimes/comm/index.js';

export function testAuth(jobId = 'job-test'): { token: string; jobId: string } {
  return { token: randomBytes(32).toString('hex'), jobId };
}

export async function localMesh(n: number, tuning: CommTuning = {}): Promise<Communicator[]> {
  const auth = testAuth();
  const endpoints = await Promise.all(Array.from({ length: n }, () => openEndpoint('127.0.0.1', 0, auth)));
  const peers = endpoints.map((e, rank) => ({ rank, host: '127.0.0.1', port: e.port }));
  return Promise.all(
    endpoints.map((endpoint, rank) => createCommunicator({ endpoint, rank, worldSize: n, peers, ...tuning })),
  );
}

export async function closeAll(comms: readonly Communicator[]): Promise<void> {
  await Promise.all(comms.map((c) => c.close()));
}
