/**
 * Provisioning a host over the RemoteHost contract: the worker bundle, the Node check, host facts,
 * the setup commands, the steps in order (provision-host.ts), and a Transport that runs them before
 * ranks start. No ssh2 here.
 */
export { BUNDLE_ENTRY, type BundleFile, buildWorkerBundle, type WorkerBundle } from './bundle.js';
export { checkNode, MIN_NODE_MAJOR } from './check-node.js';
export { checkGpus, describeFree, describeSkew, type HostFacts, readHostFacts } from './host-facts.js';
export { type ProvisionOptions, provisionHost } from './provision-host.js';
export { provisionedTransport } from './provisioned-transport.js';
export { type ExecResult, lastLines, type RemoteHost } from './remote.js';
export { runSetup, type SetupOptions, setupMarker } from './run-setup.js';
export { remoteBundleDir, type UploadOutcome, uploadBundle } from './upload-bundle.js';
