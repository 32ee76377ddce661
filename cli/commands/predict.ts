/** `dtrain predict MODEL DATA`: score a data file with a trained model. */
import type { Command } from 'commander';
import { DtrainError } from '../../configs/errors.js';
import { predictFile, writePredictions } from '../../runtimes/predict/index.js';
import { type CliIO, println } from '../io.js';
import { jobPath } from '../job-args.js';

export function registerPredict(program: Command, io: CliIO): void {
  program
    .command('predict')
    .description('score a data file with a trained model')
    .argument('<model>', 'model file (XGBoost JSON, LightGBM text) or tfjs folder')
    .argument('<data>', 'data file (csv, libsvm, or idx images for tfjs models)')
    .option('-o, --out <file>', 'write the predictions here instead of stdout')
    .option('--label <column>', "the data's label column (name or index), or 'none'")
    .option('--group <column>', "CSV: a query column to leave out (name, or LightGBM's group_column index)")
    .option('--format <format>', 'csv, libsvm or idx (default: by extension)')
    .option('--backend <backend>', 'tfjs models: cpu or wasm (default: cpu)')
    .action(async (model: string, data: string, opts: PredictOpts) => {
      const format = oneOf('--format', opts.format, ['csv', 'libsvm', 'idx'] as const);
      const backend = oneOf('--backend', opts.backend, ['cpu', 'wasm'] as const);
      const label =
        opts.label === undefined
          ? undefined
          : opts.label === 'none'
            ? null
            : /^\d+$/.test(opts.label)
              ? Number(opts.label)
              : opts.label;
      const group =
        opts.group === undefined ? undefined : /^\d+$/.test(opts.group) ? Number(opts.group) : opts.group;
      const predictions = await predictFile(jobPath(io, model), jobPath(io, data), {
        ...(label === undefined ? {} : { label }),
        ...(group === undefined ? {} : { group }),
        ...(format ? { format } : {}),
        ...(backend ? { backend } : {}),
        modelName: model,
        dataName: data,
      });
      await writePredictions(predictions, opts.out ? jobPath(io, opts.out) : io.stdout);
      if (opts.out) println(io.stderr, `wrote ${predictions.rows} predictions to ${opts.out}`);
    });
}

interface PredictOpts {
  out?: string;
  label?: string;
  group?: string;
  format?: string;
  backend?: string;
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new DtrainError('E_USAGE', `${flag} must be ${allowed.join(', ')} (got ${JSON.stringify(value)})`, {
    category: 'config',
  });
}
