/** Where tests find repository files: compiled tests live in dist/test/**, the repository is above dist/. */
import { fileURLToPath } from 'node:url';

/** The repository root (this file compiles to dist/test/helpers/paths.js). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
