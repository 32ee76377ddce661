/**
 * Errors of the data readers: one code (E_DATA, a config problem: the user's file is wrong), messages
 * `FILE:LINE: what` with the line counted in the whole file, also when a range reader found it.
 */
import { DtrainError } from '../../configs/errors.js';
import { lineNumberAt } from './scan-lines.js';

/** A problem a reader found at a byte offset; the line number is computed only when it is reported. */
export interface LineFailure {
  readonly offset: number;
  readonly message: string;
  readonly detail?: string;
}

/** An E_DATA error whose message is `NAME: message`. */
export function dataError(name: string, message: string, detail?: string): DtrainError {
  return new DtrainError('E_DATA', `${name}: ${message}`, {
    category: 'config',
    ...(detail === undefined ? {} : { detail }),
  });
}

/** An E_DATA error `NAME:LINE: message` for a failure found at a byte offset of `path`. */
export async function lineError(path: string, name: string, failure: LineFailure): Promise<DtrainError> {
  const line = await lineNumberAt(path, failure.offset);
  return dataError(`${name}:${line}`, failure.message, failure.detail);
}

/** A token as it appears in a message: quoted, cut to 40 characters. */
export function showToken(buf: Uint8Array, from: number, to: number): string {
  const text = Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('utf8');
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
