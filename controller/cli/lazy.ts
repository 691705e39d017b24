import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type * as CliProgress from 'cli-progress';

// Libraries most CLI runs never touch, loaded on first use: `yaml` alone is 72
// module files and `cli-progress` 17, about a third of what `nephele vm ls`
// loaded, paid on every invocation (scripts call the CLI in loops).
const require = createRequire(import.meta.url);
let yaml: typeof Yaml | undefined;
let progress: typeof CliProgress | undefined;

export const YAML = (): typeof Yaml => (yaml ??= require('yaml') as typeof Yaml);
export const cliProgress = (): typeof CliProgress => (progress ??= require('cli-progress') as typeof CliProgress);
