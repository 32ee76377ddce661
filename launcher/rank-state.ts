/**
 * A rank's lifecycle as one string union and one transition function, so the coordinator, the store
 * and the renderers agree on what each state means.
 *
 *   pending ──start──▶ starting ──register──▶ ready ──start msg──▶ running ──done──▶ succeeded
 *      │                  │                    │                     │
 *      └──────────────────┴─────── exit≠0 / lost / stop ─────────────┴──▶ failed | lost | stopped
 */
export type RankState =
  | 'pending'
  | 'starting'
  | 'ready'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'lost'
  | 'stopped';

export type RankEvent =
  | 'spawned'
  | 'registered'
  | 'started'
  | 'done'
  | 'exited-ok'
  | 'crashed'
  | 'silent'
  | 'stopped';

const TERMINAL: ReadonlySet<RankState> = new Set(['succeeded', 'failed', 'lost', 'stopped']);

export function isTerminal(state: RankState): boolean {
  return TERMINAL.has(state);
}

/** The next state, or the same state when the event does not apply (terminal states never change). */
export function nextRankState(state: RankState, event: RankEvent): RankState {
  if (isTerminal(state)) return state;
  switch (event) {
    case 'spawned':
      return state === 'pending' ? 'starting' : state;
    case 'registered':
      return state === 'starting' || state === 'pending' ? 'ready' : state;
    case 'started':
      return state === 'ready' ? 'running' : state;
    case 'done':
    case 'exited-ok':
      // An exit 0 before `done` counts as success only once the rank ran; before that it is a failure.
      return state === 'running' ? 'succeeded' : event === 'done' ? state : 'failed';
    case 'crashed':
      return 'failed';
    case 'silent':
      return 'lost';
    case 'stopped':
      return 'stopped';
  }
}
