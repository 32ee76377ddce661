/**
 * Core's thread entry (threads.ts HIST_WORKER): histogram, partition and split-scan tasks. The XGBoost
 * flavour scans splits on the calling thread, so nothing more is installed here.
 */
import { serveTasks } from './thread-loop.js';

serveTasks();
