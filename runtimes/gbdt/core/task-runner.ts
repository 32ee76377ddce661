/**
 * The contract of whatever runs a batch of tasks (tasks.ts): the calling thread alone
 * (serialRunner) or a pool of worker threads (threads.ts). A batch is a flat list of TASK_INTS ints
 * per task; every task writes its own output region, so any runner gives the same bits.
 */
export interface TaskRunner {
  /** Threads that run a batch's tasks (1: the calling thread alone). */
  readonly threads: number;
  /** Runs `tasks`; `rows` (the rows they touch) decides whether waking threads pays off. */
  run(tasks: readonly number[], rows: number): void;
  close(): Promise<void>;
}
