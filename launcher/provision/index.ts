/** Provisioning a host: the worker bundle, the Node check, the setup commands. No ssh2 here. */
export { BUNDLE_ENTRY, type BundleFile, buildWorkerBundle, type WorkerBundle } from './bundle.js';
export { checkNode, MIN_NODE_MAJOR } from './check-node.js';
export { type ExecResult, lastLines, type RemoteHost } from './remote.js';
export { runSetup, type SetupOptions, setupMarker } from './run-setup.js';
export { remoteBundleDir, type UploadOutcome, uploadBundle } from './upload-bundle.js';
