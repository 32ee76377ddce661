/** `dtrain predict MODEL DATA`: score a data file with a trained model. */
import type { Command } from 'commander';
import { DtrainError } from '../../configs/errors.js';
import { predictFile, writePredictions } from '../../runtimes/predict/index.js';
import { type CliIO, println } from '../io.js';
import { jobPath } from '../job-args.js';

export function registerPredict(program: Command, io: CliIO): void {
  program
    .command('predict')
    .description('score a CSV or LibSVM file with a trained model')
    .argument('<model>', 'model file (XGBoost JSON or LightGBM text)')
    .argument('<data>', 'data file (csv or libsvm)')
    .option('-o, --out <file>', 'write the predictions here instead of stdout')
    .option('--label <column>', "the data's label column (name or index), or 'none'")
    .option('--format <format>', 'csv or libsvm (default: by extension)')
    .action(async (model: string, data: string, opts: { out?: string; label?: string; format?: string }) => {
      if (opts.format !== undefined && opts.format !== 'csv' && opts.format !== 'libsvm')
        throw new DtrainError(
          'E_USAGE',
          `--format must be csv or libsvm (got ${JSON.stringify(opts.format)})`,
          {
            category: 'config',
          },
        );
      const label =
        opts.label === undefined
          ? undefined
          : opts.label === 'none'
            ? null
            : /^\d+$/.test(opts.label)
              ? Number(opts.label)
              : opts.label;
      const predictions = await predictFile(jobPath(io, model), jobPath(io, data), {
        ...(label === undefined ? {} : { label }),
        ...(opts.format ? { format: opts.format as 'csv' | 'libsvm' } : {}),
        modelName: model,
        dataName: data,
      });
      await writePredictions(predictions, opts.out ? jobPath(io, opts.out) : io.stdout);
      if (opts.out) println(io.stderr, `wrote ${predictions.rows} predictions to ${opts.out}`);
    });
}
