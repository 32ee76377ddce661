/**
 * Which ways to log in, in OpenSSH's order: the agent first, then key files. An encrypted key file
 * needs the agent or a passphrase prompt; without either it is skipped and named in the error.
 */
import { readFile } from 'node:fs/promises';
import ssh2, { type AnyAuthMethod } from 'ssh2';
import { DtrainError } from '../../../configs/errors.js';
import { messageOf } from './errors.js';
import type { SshTarget } from './target.js';

/** Asked for an encrypted key's passphrase (a TTY prompt); undefined = skip the key. */
export type PassphrasePrompt = (keyFile: string) => Promise<string | undefined>;

export interface AuthPlan {
  readonly methods: AnyAuthMethod[];
  readonly tried: readonly string[];
  readonly skipped: readonly string[];
}

// A collect-mode handshake stops at the host key and never logs in.
export const NO_AUTH: AuthPlan = { methods: [], tried: [], skipped: [] };

/** Agent first, then key files; encrypted files need the agent or a passphrase prompt. */
export async function authMethods(
  target: SshTarget,
  agent: string | undefined,
  passphrase: PassphrasePrompt | undefined,
): Promise<AuthPlan> {
  const username = target.user;
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const skipped: string[] = [];
  if (agent) {
    methods.push({ type: 'agent', username, agent });
    tried.push('ssh-agent');
  }
  for (const file of target.identityFiles) {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      if (target.defaultIdentities && (error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new DtrainError(
        'E_SSH_NO_KEY',
        `cannot read the SSH key ${file} (for ${target.name}): ${messageOf(error)}`,
        { category: 'infra' },
      );
    }
    let parsed = ssh2.utils.parseKey(data);
    let pass: string | undefined;
    if (parsed instanceof Error && /passphrase|encrypted/i.test(parsed.message)) {
      pass = passphrase ? await passphrase(file) : undefined;
      if (pass === undefined) {
        skipped.push(`${file} (encrypted)`);
        continue;
      }
      parsed = ssh2.utils.parseKey(data, pass);
    }
    if (parsed instanceof Error) {
      skipped.push(`${file} (${parsed.message})`);
      continue;
    }
    methods.push({
      type: 'publickey',
      username,
      key: data,
      ...(pass !== undefined ? { passphrase: pass } : {}),
    });
    tried.push(file);
  }
  if (methods.length === 0) {
    const encrypted = skipped
      .filter((s) => s.endsWith('(encrypted)'))
      .map((s) => s.replace(/ \(encrypted\)$/, ''));
    const detail = encrypted.length
      ? `${encrypted.join(', ')} ${encrypted.length > 1 ? 'are' : 'is'} encrypted and no ssh-agent is running (SSH_AUTH_SOCK is not set). Start one and add the key:\n  eval "$(ssh-agent)" && ssh-add ${encrypted[0]}`
      : `No ssh-agent (SSH_AUTH_SOCK) and none of ${target.identityFiles.join(', ')} could be used. Set ssh.identity in the job file or start ssh-agent.`;
    throw new DtrainError('E_SSH_NO_KEY', `no usable SSH key to log in to ${target.name}`, {
      category: 'infra',
      detail,
    });
  }
  return { methods, tried, skipped };
}
