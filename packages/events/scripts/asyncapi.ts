// Writes packages/events/asyncapi.yaml from the catalog: `pnpm --filter @platform/events asyncapi`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ASYNCAPI_FILE, renderAsyncApiYaml } from '../src/asyncapi';

const file = path.join(__dirname, '..', ASYNCAPI_FILE);
writeFileSync(file, renderAsyncApiYaml());
process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
