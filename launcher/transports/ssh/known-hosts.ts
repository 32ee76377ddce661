/**
 * OpenSSH known_hosts, read and written the way ssh does: plain names, `[host]:port`, comma lists,
 * wildcard and `!` patterns, hashed `|1|salt|hmac` names, `@revoked` lines honoured and
 * `@cert-authority` lines ignored (dtrain does not verify host certificates). Keys are compared as
 * whole blobs, never by fingerprint. Parsing and checking are pure; reading and the atomic append
 * are the only I/O.
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../../configs/atomic-write.js';
import { matchPatternList } from './config.js';

export interface KnownHostEntry {
  readonly marker: 'revoked' | undefined;
  /** The host field as written: a comma list of patterns, or one hashed `|1|salt|hmac` name. */
  readonly hosts: string;
  readonly keyType: string;
  readonly key: Buffer;
  /** 1-based line in the file (for messages). */
  readonly line: number;
}

export type HostKeyStatus = 'ok' | 'unknown' | 'changed' | 'revoked';

/** Parses a known_hosts file; malformed lines and `@cert-authority` lines are skipped. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: 'revoked' | undefined;
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m !== '@revoked') return;
      marker = 'revoked';
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    // A key blob names its own type; a line where they disagree is damaged.
    if (keyTypeOf(key) !== keyType) return;
    out.push({ marker, hosts, keyType, key, line: i + 1 });
  });
  return out;
}

/** The name ssh records for a host: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** True when an entry's host field names `host` on `port`. */
export function entryMatches(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = hostKeyName(host, port);
  if (entry.hosts.startsWith('|1|')) {
    const [, , salt, hash] = entry.hosts.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return mac === hash;
  }
  return matchPatternList(name, [entry.hosts]);
}

/**
 * What the entries say about the key a host presented: `revoked` when a matching @revoked line has
 * this key, `ok` when a matching line has it, `changed` when a matching line has another key of the
 * same type, `unknown` otherwise (no line, or only keys of other types, as ssh treats it).
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  keyType: string,
  keyBlob: Buffer,
): HostKeyStatus {
  let changed = false;
  let ok = false;
  for (const e of entries) {
    if (!entryMatches(e, host, port)) continue;
    const same = e.key.equals(keyBlob);
    if (e.marker === 'revoked') {
      if (same) return 'revoked';
      continue;
    }
    if (same) ok = true;
    else if (e.keyType === keyType) changed = true;
  }
  if (ok) return 'ok';
  return changed ? 'changed' : 'unknown';
}

/** The key types known for a host, so the connection can ask the server for one of them first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types = new Set<string>();
  for (const e of entries) if (!e.marker && entryMatches(e, host, port)) types.add(e.keyType);
  return [...types];
}

/** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written inside an SSH public key blob (its first string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const n = keyBlob.readUInt32BE(0);
  if (n > 64 || 4 + n > keyBlob.length) return 'unknown';
  return keyBlob.subarray(4, 4 + n).toString('latin1');
}

/** The known_hosts file dtrain uses: DTRAIN_KNOWN_HOSTS, else ~/.ssh/known_hosts. */
export function knownHostsPath(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return env['DTRAIN_KNOWN_HOSTS'] || join(home, '.ssh', 'known_hosts');
}

/** Reads and parses a known_hosts file; a missing file has no entries. */
export async function readKnownHosts(path: string): Promise<KnownHostEntry[]> {
  try {
    return parseKnownHosts(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** One known_hosts line for a key. */
export function knownHostLine(host: string, port: number, keyBlob: Buffer): string {
  return `${hostKeyName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}

// Appends from parallel connections in this process are serialised per file so none is lost.
const pending = new Map<string, Promise<void>>();

/**
 * Adds a host's key to a known_hosts file atomically: the old content plus the new line go to a
 * temporary file (mode 600) in the same folder, which is fsynced and renamed over the original, so a
 * crash leaves the old file or the new one, never half of either.
 */
export function appendKnownHost(path: string, host: string, port: number, keyBlob: Buffer): Promise<void> {
  const previous = pending.get(path) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(() => appendNow(path, knownHostLine(host, port, keyBlob)));
  pending.set(path, next);
  void next
    .finally(() => {
      if (pending.get(path) === next) pending.delete(path);
    })
    .catch(() => {});
  return next;
}

async function appendNow(path: string, line: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let old = '';
  try {
    old = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const text = `${old}${old === '' || old.endsWith('\n') ? '' : '\n'}${line}\n`;
  await writeFileAtomic(path, text, { mode: 0o600 });
}
