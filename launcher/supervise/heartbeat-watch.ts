/**
 * Runs the coordinator's heartbeat check so that the coordinator's own stalls never count against a
 * rank. Heartbeats that arrived while this process's event loop was blocked (a slow state.json
 * fsync, a big render) sit unread in the socket buffers; judging silence before reading them would
 * blame a live rank. So each check runs from setImmediate, right after an I/O poll has read whatever
 * was waiting, and only when that poll came promptly: when the loop stalled between asking for the
 * check and running it, it asks again, after one more poll. A rank's silence is thereby measured up
 * to the coordinator's last chance to read, not up to a late wake-up.
 */

export interface HeartbeatWatch {
  stop(): void;
}

/** A check that waited longer than this behind the loop goes round once more. */
const PROMPT_MS = 200;
/** Under a loop that never gets prompt, check anyway after this many extra rounds. */
const MAX_RETRIES = 10;

/**
 * Calls `check` about every `everyMs` from a point in the event loop where pending input has just
 * been read. `now` is a monotonic clock in ms (performance.now), the loop's own time.
 */
export function watchHeartbeats(
  everyMs: number,
  check: () => void,
  now: () => number = () => performance.now(),
): HeartbeatWatch {
  let stopped = false;
  const schedule = (tries: number) => {
    const asked = now();
    setImmediate(() => {
      if (stopped) return;
      if (now() - asked > PROMPT_MS && tries < MAX_RETRIES) schedule(tries + 1);
      else check();
    });
  };
  const timer = setInterval(() => schedule(0), everyMs);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
