/** configs/: what a job is. The public surface: JobSpec and its types, parsing, reading, the schema. */
export { type AtomicWriteOptions, writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
export { defaultJobName, LOCAL_HOST } from './build-spec.js';
export {
  type CategoryOf,
  categoryOf,
  ERROR_CODES,
  type ErrorCategory,
  type ErrorCode,
  exitCodeFor,
  isErrorCode,
  isRetryable,
} from './error-codes.js';
export { DtrainError, EXIT, exitCodeOf } from './errors.js';
export { isLocalAddress, parseHost } from './host-grammar.js';
export { starterJob } from './init-template.js';
export { JOB_SCHEMA_ID, jobJsonSchema, jobJsonSchemaText } from './job-schema.js';
export { FRAMEWORKS, PARALLELISMS } from './schema.js';
export * from './job-spec.js';
export { type ParsedJob, type ParseJobOptions, parseJob } from './parse-job.js';
export { JobFileError, type ReadJobOptions, readJob } from './read-job.js';
