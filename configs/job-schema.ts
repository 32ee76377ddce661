/**
 * The JSON Schema of the job file, generated from the same zod schema the validator uses, so editors
 * (yaml-language-server: `# yaml-language-server: $schema=…/job.schema.json`) complete and document
 * exactly what `dtrain validate` accepts. Cross-field rules (check-job.ts) are not expressible here.
 */
import { z } from 'zod';
import { JobFileSchema } from './schema.js';

export const JOB_SCHEMA_ID = 'https://dtrain.dev/schemas/job.schema.json';

/** The job file's JSON Schema (draft 2020-12), describing the file as written (input side). */
export function jobJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(JobFileSchema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  });
  return { $schema: schema['$schema'], $id: JOB_SCHEMA_ID, ...schema };
}

/** The schema as it is stored in configs/job.schema.json. */
export function jobJsonSchemaText(): string {
  return `${JSON.stringify(jobJsonSchema(), null, 2)}\n`;
}
