/**
 * Copying whole files over a link's SFTP session, each atomically at its destination: to a
 * temporary name beside it, then renamed, so a reader never sees half a file.
 */
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../../../configs/atomic-write.js';
import { DtrainError } from '../../../configs/errors.js';
import { messageOf } from './errors.js';
import { execOn, type Link, sftpOf } from './link.js';
import { shellQuote } from './quote.js';

/** Local file → absolute path on the host (its folder is created). */
export async function putFile(link: Link, localPath: string, to: string): Promise<void> {
  const dir = to.slice(0, to.lastIndexOf('/')) || '/';
  await execOn(link.client, `mkdir -p ${shellQuote(dir)}`);
  const temp = `${to}.tmp-${randomBytes(4).toString('hex')}`;
  const sftp = await sftpOf(link);
  await new Promise<void>((res, rej) => sftp.fastPut(localPath, temp, (e) => (e ? rej(e) : res())));
  await new Promise<void>((res, rej) => sftp.ext_openssh_rename(temp, to, (e) => (e ? rej(e) : res())));
}

/** Absolute path on the host → local file; `shown` (the path as asked for) and `host` name it in errors. */
export async function fetchFile(
  link: Link,
  from: string,
  localPath: string,
  names: { readonly shown: string; readonly host: string },
): Promise<void> {
  const sftp = await sftpOf(link);
  try {
    // The local side gets the shared writer's fsyncs and temp clean-up; errors keep E_FETCH.
    await writeFileAtomic(
      localPath,
      (temp) => new Promise<void>((res, rej) => sftp.fastGet(from, temp, (e) => (e ? rej(e) : res()))),
    );
  } catch (error) {
    throw new DtrainError(
      'E_FETCH',
      `could not fetch ${names.shown} from ${names.host}: ${messageOf(error)}`,
      {
        category: 'infra',
        cause: error,
      },
    );
  }
}
