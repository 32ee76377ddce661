/**
 * The LightGBM flavour's thread entry (task-threads.ts lgbRunner): the core's task kinds, the
 * flavour's per-row passes and its split rules.
 */
import { serveTasks } from '../core/index.js';
import { installLgbTasks, type LgbThreadData } from './task-threads.js';

serveTasks((ctx, data) => installLgbTasks(ctx, data as LgbThreadData));
