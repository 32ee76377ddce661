/**
 * The one way a test says it cannot run here. Without `DTRAIN_REQUIRE_ALL=1` the test is reported
 * as skipped with the reason; with it (CI, `.ci/run`) the test fails with that same reason, so a
 * missing tool never passes silently. Every skip in test/ goes through `cannotRun`; the `need*`
 * helpers (xgboost-py, lightgbm-cli, fashion-mnist, cluster) are built on it.
 */
import type { TestContext } from 'node:test';

/** The variable that turns every skip into a failure. */
export const REQUIRE_ALL_ENV = 'DTRAIN_REQUIRE_ALL';

/** True when skips are failures (`DTRAIN_REQUIRE_ALL` set to anything but '' or '0'). */
export function requireAll(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[REQUIRE_ALL_ENV];
  return v !== undefined && v !== '' && v !== '0';
}

/**
 * Skips `t` with `reason` (what is missing and how to get it), or throws it under
 * DTRAIN_REQUIRE_ALL. Returns false so a `need*` helper can end in `return ok || cannotRun(t, '...')`.
 */
export function cannotRun(t: TestContext, reason: string): false {
  if (requireAll()) throw new Error(`cannot run (${REQUIRE_ALL_ENV} is set): ${reason}`);
  t.skip(reason);
  return false;
}
