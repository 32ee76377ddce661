/**
 * Building remote command lines. sshd hands a command to the user's login shell as one string, so an
 * argv array has to become shell text that the shell splits back into exactly those words. This is
 * the one place that happens; everything else passes argv arrays. `dtrain plan` shows its command
 * templates with the same rules (the `template` option), so what it prints is what would run.
 */
import { DtrainError } from '../../../configs/errors.js';

// `=` is not here: an unquoted first word `A=b` would be read as an assignment.
const PLAIN = /^[A-Za-z0-9_@%+:,./-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// In a template, the parts that are filled in with plain words before anything runs: `<job-id>`
// style placeholders, and a leading `~` (the SSH transport puts the host's home there).
const PLACEHOLDER = /<[a-z][a-z-]*>/g;
const LEADING_HOME = /^~(?=\/|$)/;

export interface QuoteOptions {
  /** The word is a template (`dtrain plan`): placeholders and a leading `~` count as plain. */
  readonly template?: boolean;
}

/**
 * One word for a POSIX shell: left bare when it holds only characters no shell treats specially,
 * otherwise in single quotes, inside which nothing is special; a `'` becomes `'\''`.
 */
export function shellQuote(word: string, options: QuoteOptions = {}): string {
  const filled = options.template ? word.replace(PLACEHOLDER, 'x').replace(LEADING_HOME, '/h') : word;
  if (PLAIN.test(filled)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argv array as one shell command line. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map((word) => shellQuote(word)).join(' ');
}

/** `env K=V ...` words for an environment; names that are not shell identifiers are refused. */
export function envWords(env: Readonly<Record<string, string>>): string[] {
  return Object.entries(env).map(([name, value]) => {
    if (!ENV_NAME.test(name))
      throw new DtrainError('E_ENV_NAME', `environment variable name ${JSON.stringify(name)} is not valid`, {
        category: 'config',
        detail: 'names must be letters, digits and `_`, not starting with a digit',
      });
    return `${name}=${value}`;
  });
}

/**
 * The command that starts a rank: change to its folder, print the shell's pid (sshd runs each
 * command in a session of its own, so after `exec` that pid is the worker's process group), then
 * replace the shell by `env VARS... argv...`.
 */
export function rankCommand(
  cwd: string,
  env: Readonly<Record<string, string>>,
  argv: readonly string[],
): string {
  return `cd ${shellQuote(cwd)} && echo $$ && exec ${shellJoin(['env', ...envWords(env), ...argv])}`;
}
