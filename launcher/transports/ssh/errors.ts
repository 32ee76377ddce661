/** Turning what ssh2 and the file system throw into words and DtrainErrors that name the host. */
import { DtrainError } from '../../../configs/errors.js';

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A DtrainError as it is; anything else becomes one naming the host. */
export function asHostError(error: unknown, host: string): DtrainError {
  if (error instanceof DtrainError) return error;
  return new DtrainError('E_SSH', `${host}: ${messageOf(error)}`, { category: 'infra', cause: error });
}
