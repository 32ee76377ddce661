/** `dtrain init [file] [--framework NAME] [--force]`: write a commented starter job file. */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DtrainError } from '../../configs/errors.js';
import type { Framework } from '../../configs/job-spec.js';
import { FRAMEWORKS, starterJob } from '../../configs/index.js';
import { type CliIO, println } from '../io.js';

export function registerInit(program: Command, io: CliIO): void {
  program
    .command('init')
    .description('write a commented job file to start from')
    .argument('[file]', 'where to write it', 'job.yaml')
    .addOption(new Option('--framework <name>', 'the framework').choices(FRAMEWORKS).default('xgboost'))
    .option('--force', 'overwrite an existing file')
    .action(async (file: string, options: { framework: Framework; force?: boolean }) => {
      try {
        await writeFile(resolve(io.cwd, file), starterJob(options.framework), {
          flag: options.force ? 'w' : 'wx',
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new DtrainError('E_FILE_EXISTS', `${file} already exists; use --force to overwrite it`, {
            category: 'config',
            cause: error,
          });
        }
        throw new DtrainError('E_WRITE', `cannot write ${file}: ${(error as Error).message}`, {
          category: 'config',
          cause: error,
        });
      }
      println(io.stdout, `wrote ${file} (framework ${options.framework}) — next: dtrain validate ${file}`);
    });
}
