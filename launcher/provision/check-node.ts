/** The Node check: every host runs the worker with its own `node`, which must be 20 or newer. */
import { DtrainError } from '../../configs/errors.js';
import type { RemoteHost } from './remote.js';

export const MIN_NODE_MAJOR = 20;

/** Returns the host's Node version (`v20.11.1`); throws a DtrainError naming the host otherwise. */
export async function checkNode(remote: RemoteHost): Promise<string> {
  const r = await remote.exec('node --version');
  const version = r.stdout.trim().split('\n')[0] ?? '';
  const m = /^v(\d+)\.\d+\.\d+/.exec(version);
  if (r.code !== 0 || !m) {
    const found =
      r.code === 127 || version === ''
        ? 'no `node` on its PATH'
        : `\`node --version\` printed ${JSON.stringify(version)}`;
    throw new DtrainError(
      'E_NODE_MISSING',
      `${remote.name} has ${found}; dtrain needs Node ≥ ${MIN_NODE_MAJOR} there`,
      {
        category: 'infra',
        detail: `Install Node ${MIN_NODE_MAJOR} or newer on ${remote.name} (https://nodejs.org/en/download) so that a non-interactive \`ssh ${remote.name} node --version\` finds it.`,
      },
    );
  }
  if (Number(m[1]) < MIN_NODE_MAJOR)
    throw new DtrainError(
      'E_NODE_OLD',
      `${remote.name} has Node ${version}; dtrain needs Node ≥ ${MIN_NODE_MAJOR}`,
      {
        category: 'infra',
        detail: `Upgrade Node on ${remote.name}; \`ssh ${remote.name} node --version\` must print v${MIN_NODE_MAJOR} or later.`,
      },
    );
  return version;
}
