/**
 * A Transport for hosts that must be provisioned first: prepare() asks the remote transport to
 * connect, runs the provisioning steps (provision-host.ts) over the RemoteHost it hands back, then
 * tells the transport which worker script to run. Everything else goes straight to the transport.
 */
import type { HostPlan } from '../plan/contract.js';
import type { RemoteTransport, StepSink, Transport } from '../transports/index.js';
import type { WorkerBundle } from './bundle.js';
import { type ProvisionOptions, provisionHost } from './provision-host.js';

export function provisionedTransport(remote: RemoteTransport, options: ProvisionOptions): Transport {
  let bundle: Promise<WorkerBundle> | undefined;
  // One bundle per run, built when the first host needs it.
  const o: ProvisionOptions = {
    ...options,
    bundle: () => {
      bundle ??= options.bundle();
      return bundle;
    },
  };
  return {
    name: remote.name,
    async prepare(host: HostPlan, onStep: StepSink): Promise<void> {
      if (host.local) return;
      const { remote: on, workdir } = await remote.connect(host, onStep);
      remote.place(host, await provisionHost(host, on, workdir, onStep, o));
    },
    start: (rank, start) => remote.start(rank, start),
    put: (host, from, to) => remote.put(host, from, to),
    fetch: (host, from, to) => remote.fetch(host, from, to),
    outputDir: (host, localDir) => remote.outputDir(host, localDir),
    close: () => remote.close(),
  };
}
