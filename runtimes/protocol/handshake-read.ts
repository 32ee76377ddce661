/**
 * Reads single frames off a raw socket during the handshake, under the tiny pre-auth limits and one
 * deadline. Leaves the socket paused and hands back the bytes that followed the frame, so the
 * Connection built afterwards starts exactly where the handshake stopped.
 */
import type net from 'node:net';
import { DtrainError } from '../../configs/errors.js';
import { type Frame, FrameDecoder, HANDSHAKE_LIMITS } from './frame.js';

/** One handshake frame and whatever bytes arrived after it. */
export interface HandshakeRead {
  readonly frame: Frame;
  readonly rest: Buffer | undefined;
}

/** Resolves with the next frame; rejects on bad bytes, close, error or when `deadline` (ms epoch) passes. */
export function readHandshakeFrame(
  socket: net.Socket,
  rest: Buffer | undefined,
  deadline: number,
): Promise<HandshakeRead> {
  return new Promise((resolve, reject) => {
    let frame: Frame | undefined;
    let done = false;
    const decoder = new FrameDecoder((f) => {
      frame = f;
      decoder.stop();
    }, HANDSHAKE_LIMITS);
    const finish = (err: Error | undefined, left?: Buffer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.pause();
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
      if (err) reject(err);
      else resolve({ frame: frame!, rest: left });
    };
    const onData = (chunk: Buffer) => {
      try {
        const left = decoder.push(chunk);
        if (frame) finish(undefined, left);
      } catch (e) {
        finish(e as Error);
      }
    };
    const onClose = () => finish(handshakeError('the connection closed during the handshake'));
    const onError = (e: Error) => finish(handshakeError(e.message, e));
    const timer = setTimeout(
      () => finish(handshakeError('handshake timed out')),
      Math.max(0, deadline - Date.now()),
    );
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
    if (rest && rest.length > 0) onData(rest);
    if (!done && socket.destroyed) onClose();
    if (!done) socket.resume();
  });
}

function handshakeError(message: string, cause?: unknown): DtrainError {
  return new DtrainError('E_AUTH', message, { category: 'infra', cause });
}
