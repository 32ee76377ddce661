/** `npm run schema`: writes configs/job.schema.json from the zod schema (run from the repository root). */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { jobJsonSchemaText } from './job-schema.js';

const target = resolve(process.argv[2] ?? 'configs/job.schema.json');
writeFileSync(target, jobJsonSchemaText());
console.log(`wrote ${target}`);
