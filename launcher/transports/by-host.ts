/**
 * One transport for a plan whose hosts are reached differently: local hosts through the local
 * transport, the others over SSH. Each call goes to the transport of the host it concerns.
 */
import type { HostPlan, LaunchPlan, RankPlan } from '../plan/contract.js';
import type { StartOptions, StepSink, Transport } from './types.js';

export function byHostTransport(plan: LaunchPlan, local: Transport, remote: Transport): Transport {
  const of = (host: HostPlan) => (host.local ? local : remote);
  const hostOf = (rank: RankPlan) => plan.hosts[rank.host]!;
  return {
    name: `${local.name}+${remote.name}`,
    prepare: (host: HostPlan, onStep: StepSink) => of(host).prepare(host, onStep),
    start: (rank: RankPlan, options: StartOptions) => of(hostOf(rank)).start(rank, options),
    put: (host, from, to) => of(host).put(host, from, to),
    fetch: (host, from, to) => of(host).fetch(host, from, to),
    outputDir: (host, localDir) => of(host).outputDir(host, localDir),
    close: async () => {
      await Promise.all([local.close(), remote.close()]);
    },
  };
}
