/** A job's state as a reader should see it: a "running" job whose coordinator is gone is abandoned. */
import { type JobRecord, processAlive } from '../../launcher/index.js';

export function liveState(job: JobRecord): string {
  if ((job.state === 'running' || job.state === 'pending') && !processAlive(job.coordinatorPid))
    return 'abandoned';
  return job.state;
}
