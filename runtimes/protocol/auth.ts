/**
 * The mutual HMAC handshake that opens every dtrain connection, keyed by the per-job token (32 random
 * bytes, hex). Server → `challenge {v, job, nonce}`; client → `auth {v, job, role, rank, cnonce, mac}`;
 * server → `welcome {mac}` (proving it knows the token too) or `reject {reason}`. Pure: messages and
 * MACs only; connection.ts drives the sockets.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DtrainError } from '../../configs/errors.js';
import type { FrameHeader } from './frame.js';
import { PROTOCOL_VERSION } from './frame.js';

/** Who is at the other end of a connection. `rank` is -1 when the peer is not a worker. */
export interface Peer {
  readonly role: 'worker' | 'coordinator' | 'peer' | 'client';
  readonly rank: number;
}

const ROLES: readonly string[] = ['worker', 'coordinator', 'peer', 'client'];
const HEX32 = /^[0-9a-f]{64}$/;

/** A fresh per-job token: 32 random bytes as hex. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** A fresh 32-byte nonce as hex. */
export function newNonce(): string {
  return randomBytes(32).toString('hex');
}

function key(token: string): Buffer {
  if (!/^[0-9a-fA-F]{64,}$/.test(token) || token.length % 2 !== 0) {
    throw new DtrainError('E_INTERNAL', 'job token is not a hex string of at least 32 bytes', {
      category: 'internal',
    });
  }
  return Buffer.from(token, 'hex');
}

function hmac(token: string, text: string): string {
  return createHmac('sha256', key(token)).update(text).digest('hex');
}

/** The client's proof: HMAC(token, `dtrain-auth-v1|server|job|nonce|cnonce|role|rank`). */
export function authMac(token: string, job: string, nonce: string, cnonce: string, peer: Peer): string {
  return hmac(token, `dtrain-auth-v1|server|${job}|${nonce}|${cnonce}|${peer.role}|${peer.rank}`);
}

/** The server's proof: HMAC(token, `dtrain-auth-v1|client|job|nonce|cnonce`). */
export function welcomeMac(token: string, job: string, nonce: string, cnonce: string): string {
  return hmac(token, `dtrain-auth-v1|client|${job}|${nonce}|${cnonce}`);
}

/** Constant-time comparison of two hex MACs; false for anything that is not 32 bytes of hex. */
export function macEqual(a: unknown, b: string): boolean {
  if (typeof a !== 'string' || !HEX32.test(a) || !HEX32.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

/** The server's opening message; `me` (the server's own identity) is informational, not signed. */
export function challengeMessage(job: string, nonce: string, me: Peer): FrameHeader {
  return { t: 'challenge', v: PROTOCOL_VERSION, job, nonce, role: me.role, rank: me.rank };
}

/** Reads a challenge; returns its nonce and the server's claimed identity, or why it is unacceptable. */
export function readChallenge(
  h: FrameHeader,
  job: string,
): { nonce: string; server: Peer } | { error: string } {
  if (h.t !== 'challenge') return { error: `expected a challenge, got '${h.t}'` };
  if (h.v !== PROTOCOL_VERSION) return { error: `server speaks protocol version ${String(h.v)}` };
  if (h.job !== job) return { error: `server belongs to another job (${String(h.job)})` };
  if (typeof h.nonce !== 'string' || !HEX32.test(h.nonce)) return { error: 'malformed challenge nonce' };
  const role =
    typeof h.role === 'string' && ROLES.includes(h.role) ? (h.role as Peer['role']) : 'coordinator';
  const rank = typeof h.rank === 'number' && Number.isInteger(h.rank) ? h.rank : -1;
  return { nonce: h.nonce, server: { role, rank } };
}

/** The client's answer to a challenge. */
export function authMessage(
  token: string,
  job: string,
  nonce: string,
  cnonce: string,
  me: Peer,
): FrameHeader {
  const mac = authMac(token, job, nonce, cnonce, me);
  return { t: 'auth', v: PROTOCOL_VERSION, job, role: me.role, rank: me.rank, cnonce, mac };
}

/** Checks a client's auth message; returns the authenticated peer or the reason for rejecting it. */
export function verifyAuth(
  h: FrameHeader,
  token: string,
  job: string,
  nonce: string,
): { peer: Peer; cnonce: string } | { error: string } {
  if (h.t !== 'auth') return { error: `expected auth, got '${h.t}'` };
  if (h.v !== PROTOCOL_VERSION) return { error: `client speaks protocol version ${String(h.v)}` };
  if (h.job !== job) return { error: 'job mismatch' };
  const { role, rank, cnonce } = h;
  if (typeof role !== 'string' || !ROLES.includes(role)) return { error: 'bad role' };
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < -1) return { error: 'bad rank' };
  if (typeof cnonce !== 'string' || !HEX32.test(cnonce)) return { error: 'malformed client nonce' };
  const peer = { role: role as Peer['role'], rank };
  if (!macEqual(h.mac, authMac(token, job, nonce, cnonce, peer))) return { error: 'bad mac (wrong token)' };
  return { peer, cnonce };
}
