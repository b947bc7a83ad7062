// `platform-codegen`: generates the resolver types and module list of the service in the working folder.
import path from 'node:path';
import { generateService } from './index';

generateService(path.resolve('src')).then(
  (files) => {
    for (const file of files) process.stdout.write(`generated ${path.relative(process.cwd(), file)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`platform-codegen: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
