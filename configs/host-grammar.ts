/**
 * The strict grammar of host addresses (`[user@]address[:port]`). Whatever passes here is later put
 * on an ssh command line or into an ssh2 connect call, so anything that could be read as an option or
 * by a shell is refused with the reason. Pure: no DNS, no I/O.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** A host as written, split into its parts. */
export interface HostAddress {
  readonly user: string | undefined;
  readonly address: string;
  readonly port: number | undefined;
}

export type HostParse =
  | { readonly ok: true; readonly host: HostAddress }
  | { readonly ok: false; readonly why: string };

export const USER_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
export const USER_MESSAGE =
  'must be a user name: letters, digits, `_`, `.` or `-`, starting with a letter or `_`';
const SHELL_META = /[;&|`$()<>\\'"*?!{}~#^]/;
const LABEL = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;
const LOCAL = new Set(['localhost', '127.0.0.1', '::1']);

/** True for the addresses that mean this machine: their ranks run as local processes, without SSH. */
export function isLocalAddress(address: string): boolean {
  return LOCAL.has(address.toLowerCase());
}

/**
 * Parses `[user@]address[:port]`. `form: 'string'` is a `hosts:` entry or `ssh.jump` (IPv6 only in
 * brackets); `form: 'address'` is the `address:` of a host mapping (no `user@`; a bare IPv6 is fine).
 */
export function parseHost(text: string, form: 'string' | 'address'): HostParse {
  const unsafe = unsafeReason(text);
  if (unsafe !== undefined) return { ok: false, why: unsafe };
  let rest = text;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    if (form === 'address') return { ok: false, why: 'must not contain `@`: give the user as `user:`' };
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!USER_PATTERN.test(user)) return { ok: false, why: `user \`${user}\` ${USER_MESSAGE}` };
  }
  const split = splitPort(rest, form);
  if (typeof split === 'string') return { ok: false, why: split };
  const why = addressReason(split.address);
  if (why !== undefined) return { ok: false, why };
  return { ok: true, host: { user, address: split.address, port: split.port } };
}

function unsafeReason(text: string): string | undefined {
  if (text === '') return 'must not be empty';
  const meta = SHELL_META.exec(text);
  if (meta)
    return `must not contain the shell metacharacter ${meta[0] === '`' ? 'backtick' : `\`${meta[0]}\``}`;
  if (/\s/.test(text)) return 'must not contain spaces';
  if (text.startsWith('-')) return 'must not start with `-` (ssh would read it as an option)';
  return undefined;
}

function splitPort(
  text: string,
  form: 'string' | 'address',
): { address: string; port: number | undefined } | string {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return 'has `[` without a closing `]`';
    const address = text.slice(1, close);
    if (!isIPv6(address)) return '`[...]` must hold an IPv6 address';
    const tail = text.slice(close + 1);
    if (tail === '') return { address, port: undefined };
    if (!tail.startsWith(':')) return 'only `:PORT` may follow `]`';
    const port = parsePort(tail.slice(1));
    return port === undefined ? portMessage : { address, port };
  }
  const colons = text.split(':').length - 1;
  if (colons > 1) {
    if (form === 'address' && isIPv6(text)) return { address: text, port: undefined };
    return isIPv6(text) ? 'an IPv6 address must be in brackets, e.g. `[fe80::1]`' : 'has more than one `:`';
  }
  if (colons === 0) return { address: text, port: undefined };
  const [address = '', portText = ''] = text.split(':');
  const port = parsePort(portText);
  return port === undefined ? portMessage : { address, port };
}

const portMessage = 'port must be a whole number from 1 to 65535';

function parsePort(text: string): number | undefined {
  if (!/^[0-9]{1,5}$/.test(text)) return undefined;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : undefined;
}

function addressReason(address: string): string | undefined {
  if (address === '') return 'has no address';
  if (isIPv6(address) || isIPv4(address)) return undefined;
  if (/^[0-9.]+$/.test(address)) return 'is not a valid IPv4 address';
  if (address.length > 253) return 'is longer than 253 characters';
  for (const label of address.split('.')) {
    if (label === '') return 'has an empty label (`..`, or a leading or trailing `.`)';
    if (label.startsWith('-')) return `label \`${label}\` must not start with \`-\``;
    if (label.length > 63) return 'has a label longer than 63 characters';
    if (!LABEL.test(label)) {
      const bad = /[^A-Za-z0-9_-]/.exec(label)?.[0] ?? '?';
      return `must not contain \`${bad}\`: a host is a name (letters, digits, \`-\`, \`_\`, dots), an IPv4 or an [IPv6] address`;
    }
  }
  return undefined;
}
