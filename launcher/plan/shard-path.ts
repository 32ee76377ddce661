/** Where a remote rank's shipped part of a data file lies on its host. */
import { extname } from 'node:path';

/** The remote path of a rank's shipped part of a data file (under the host's workdir, `~/` as written). */
export function shardPath(workdir: string, jobId: string, rank: number, role: string, file: string): string {
  return `${workdir}/jobs/${jobId}/data/rank-${rank}-${role}${extname(file)}`;
}
