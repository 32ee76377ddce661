/**
 * The provisioning steps of one connected host, in order, over the RemoteHost contract: Node, GPUs,
 * disk and clock (one command), the worker bundle, then `setup`. Each step is reported as it runs;
 * the one that fails is reported failed with the error's message, and the error is rethrown (a
 * non-DtrainError becomes one naming the host).
 */
import { DtrainError } from '../../configs/errors.js';
import type { HostPlan } from '../plan/contract.js';
import type { HostStep, RemoteHost, StepSink, StepState } from '../transports/index.js';
import { BUNDLE_ENTRY, type WorkerBundle } from './bundle.js';
import { checkNode } from './check-node.js';
import { checkGpus, describeFree, describeSkew, readHostFacts } from './host-facts.js';
import { runSetup } from './run-setup.js';
import { uploadBundle } from './upload-bundle.js';

export interface ProvisionOptions {
  /** The bundle to upload (built once per run, on first need). */
  readonly bundle: () => Promise<WorkerBundle>;
  /** `remote.env` of the job: exported for the setup commands. */
  readonly setupEnv: Readonly<Record<string, string>>;
}

/** Returns the worker script to run on the host (inside the uploaded bundle). */
export async function provisionHost(
  host: HostPlan,
  remote: RemoteHost,
  workdir: string,
  onStep: StepSink,
  o: ProvisionOptions,
): Promise<{ readonly entry: string }> {
  let current: HostStep = 'node';
  const step = (s: HostStep, state: StepState, detail?: string) => {
    current = s;
    onStep(host.name, s, state, detail);
  };
  try {
    step('node', 'running');
    step('node', 'done', await checkNode(remote));
    const facts = await readHostFacts(remote, workdir);
    step('gpus', 'running');
    step('gpus', 'done', checkGpus(host.name, host.gpus, facts));
    step('disk', 'done', `${describeFree(facts.freeBytes)} under ${workdir}`);
    step('clock', 'done', `skew ${describeSkew(facts.clockSkewMs)}`);
    step('upload', 'running');
    const b = await o.bundle();
    const up = await uploadBundle(remote, b, workdir);
    if (up.state === 'present') step('upload', 'skipped', `bundle ${b.hash} already on host`);
    else step('upload', 'done', `bundle ${b.hash} → ${up.dir}`);
    step('setup', 'running');
    const setup = await runSetup(remote, {
      commands: host.setup,
      env: o.setupEnv,
      bundleHash: b.hash,
      workdir,
      onCommand: (c) => step('setup', 'running', c),
    });
    const why = host.setup.length ? 'already done for this bundle' : 'no setup commands';
    step('setup', setup, setup === 'skipped' ? why : undefined);
    return { entry: `${up.dir}/${BUNDLE_ENTRY}` };
  } catch (error) {
    const e =
      error instanceof DtrainError
        ? error
        : new DtrainError(
            'E_SSH',
            `${host.name}: ${error instanceof Error ? error.message : String(error)}`,
            {
              category: 'infra',
              cause: error,
            },
          );
    step(current, 'failed', e.message);
    throw e;
  }
}
