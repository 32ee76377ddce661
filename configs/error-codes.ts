/**
 * The closed vocabulary of dtrain's errors: every `DtrainError` code, its category, the exit code the
 * category gives, and a stem saying what failed. A code not in this table does not type-check; the
 * exit codes users see (README.md, man/dtrain.1 EXIT STATUS) come from here and nowhere else.
 * test/configs/error-codes.test.ts checks that each code is used, each used code is here, and each
 * exit code is documented.
 */

/** What kind of failure it is; the category alone decides the exit code. */
export type ErrorCategory = 'config' | 'infra' | 'worker' | 'internal' | 'interrupted';

/** Exit codes by meaning, for places that exit without an error (success, a job's own result). */
export const EXIT = {
  ok: 0,
  jobFailed: 1,
  badInput: 2,
  infra: 3,
  internal: 4,
  interrupted: 130,
} as const;

/** The exit code of each category; distinct per category (a test holds it to man/dtrain.1). */
export const EXIT_BY_CATEGORY = {
  config: EXIT.badInput,
  infra: EXIT.infra,
  worker: EXIT.jobFailed,
  internal: EXIT.internal,
  interrupted: EXIT.interrupted,
} as const satisfies Record<ErrorCategory, number>;

/** One row of the table. */
export interface ErrorCodeRow<K extends ErrorCategory = ErrorCategory> {
  readonly category: K;
  readonly exit: (typeof EXIT_BY_CATEGORY)[K];
  /** What failed, in a few words; messages at the throw site say where and what to do. */
  readonly stem: string;
}

const row = <K extends ErrorCategory>(category: K, stem: string): ErrorCodeRow<K> => ({
  category,
  exit: EXIT_BY_CATEGORY[category],
  stem,
});

/** The table: one code per failure. Before adding a row, look for one that means the same failure. */
export const ERROR_CODES = {
  // config: the user's input is wrong (exit 2)
  E_USAGE: row('config', 'bad command-line usage or flag value'),
  E_JOB_NOT_FOUND: row('config', 'the named job (file, or id/name in the store) is not there'),
  E_JOB_AMBIGUOUS: row('config', 'a job id prefix matches several jobs'),
  E_JOB_INVALID: row('config', 'the job file has problems'),
  E_PARAM: row('config', 'a training or prediction parameter is not valid'),
  E_DATA: row('config', 'a data file is missing or malformed'),
  E_DATA_SHIP: row('config', 'the job cannot ship its data to the hosts'),
  E_LABEL: row('config', "a label is outside the objective's or metric's domain"),
  E_FEATURES: row('config', 'the data has fewer features than the model splits on'),
  E_MODEL: row('config', 'a model file is unreadable or unsupported'),
  E_NOT_IMPLEMENTED: row('config', 'the job asks for a framework or parallelism not built yet'),
  E_NO_CHECKPOINT: row('config', 'there is no checkpoint to resume from'),
  E_PIPELINE: row('config', 'the model cannot be cut into the pipeline stages asked for'),
  E_SCRIPT: row('config', 'the training script cannot be loaded'),
  E_SECRET_MISSING: row('config', 'a secret named in remote.secrets is not set'),
  E_ENV_NAME: row('config', 'an environment variable name is not valid'),
  E_SSH_JUMP_INVALID: row('config', 'a jump host (ProxyJump) is not a valid host'),
  E_GPUS: row('config', 'the job file uses GPUs a host does not have'),
  E_FILE_EXISTS: row('config', 'the file to write exists already'),
  E_WRITE: row('config', 'a file the user named cannot be written'),
  E_DETACH_INPUT: row('config', 'the background coordinator stopped on bad input before its job began'),
  // infra: hosts, network, ports (exit 3)
  E_CONNECT: row('infra', 'cannot connect to a coordinator or peer port'),
  E_LISTEN: row('infra', 'cannot listen on a port'),
  E_AUTH: row('infra', 'a connection failed the job-token handshake'),
  E_PROTOCOL: row('infra', 'a peer sent a malformed or truncated frame'),
  E_CONN_CLOSED: row('infra', 'a connection failed or was closed'),
  E_SSH: row('infra', 'an SSH operation on a host failed'),
  E_SSH_CONNECT: row('infra', 'cannot open an SSH connection to a host'),
  E_SSH_AUTH: row('infra', 'a host accepted none of our SSH keys'),
  E_SSH_NO_KEY: row('infra', 'there is no usable SSH key to offer'),
  E_SSH_JUMP: row('infra', 'cannot reach a host through its jump host'),
  E_SSH_FORWARD: row('infra', 'a host refused to forward the coordinator port'),
  E_HOST_KEY_UNKNOWN: row('infra', "a host's key is not in known_hosts"),
  E_HOST_KEY_CHANGED: row('infra', "a host's key differs from known_hosts"),
  E_HOST_KEY_REVOKED: row('infra', "a host's key is revoked in known_hosts"),
  E_KNOWN_HOSTS: row('infra', 'cannot record a host key in known_hosts'),
  E_NODE_MISSING: row('infra', 'a host has no usable node'),
  E_NODE_OLD: row('infra', "a host's node is too old"),
  E_GPU_DRIVER: row('infra', 'a host the job gives GPUs has no NVIDIA driver (nvidia-smi)'),
  E_UPLOAD: row('infra', 'cannot upload the worker bundle to a host'),
  E_SETUP_FAILED: row('infra', "a host's setup command failed"),
  E_FETCH: row('infra', 'cannot fetch the results from a host'),
  E_START: row('infra', 'the ranks could not be started or did not register in time'),
  E_STOP_TIMEOUT: row('infra', 'a job did not stop in time'),
  E_ABANDONED: row('infra', "a running job's coordinator is gone"),
  E_DETACH_INFRA: row(
    'infra',
    'the background coordinator hit an infrastructure failure before its job began',
  ),
  // worker: the job itself failed; the launcher may retry it (exit 1)
  E_WORKER: row('worker', 'a rank failed: it reported an error, exited, crashed or fell silent'),
  E_PEER_LOST: row('worker', 'a rank lost a peer (a symptom of that peer failing)'),
  E_BACKEND: row('worker', 'no tensorflow backend could start'),
  E_DETACH_FAILED: row('worker', 'the background coordinator failed before its job began'),
  // internal: a bug or a broken install of dtrain (exit 4)
  E_INTERNAL: row('internal', 'dtrain broke one of its own contracts'),
  E_MODEL_EXPORT: row('internal', 'a trained model cannot be written in the export format'),
  E_BUNDLE: row('internal', 'the worker bundle cannot be built'),
  E_DETACH: row('internal', 'the background coordinator did not start or made no job'),
  // interrupted: stopped by request (exit 130)
  E_INTERRUPTED: row('interrupted', 'stopped by request (Ctrl-C, dtrain stop)'),
} as const satisfies Record<string, ErrorCodeRow>;

/** Every code an error may carry. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The category the table gives `C`. */
export type CategoryOf<C extends ErrorCode> = (typeof ERROR_CODES)[C]['category'];

/** Whether a string from elsewhere (a worker's message, a thread's reply) is a known code. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

export function categoryOf(code: ErrorCode): ErrorCategory {
  return ERROR_CODES[code].category;
}

export function exitCodeFor(code: ErrorCode): number {
  return ERROR_CODES[code].exit;
}

/**
 * A failure of this category fails the job itself (a rank crashed, fell silent, lost a peer): run it
 * again when the job file allows restarts. Bad input, infrastructure and stops are not retried.
 */
export function isRetryable(code: ErrorCode): boolean {
  return categoryOf(code) === 'worker';
}
