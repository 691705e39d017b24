// nephele config: the contexts of the config file (kubectl config's verbs).
import type { Command } from 'commander';
import { CliError } from './client.js';
import { loadConfig, setContext, useContext, viewOf, viewText, type Config } from './config.js';
import { table } from './format.js';

export interface ConfigDeps {
  configPath(): string;
  out(data: unknown, human: () => string): void;
  /** Whether a global flag was given on this command line (not from the environment or a default). */
  given(key: string): boolean;
}

function mustLoad(path: string): Config {
  const cfg = loadConfig(path);
  if (!cfg)
    throw new CliError(
      `no config file at ${path} (make one with \`nephele config set-context NAME --controller ADDR\`)`,
    );
  return cfg;
}

export function registerConfigCommands(program: Command, d: ConfigDeps): void {
  const config = program
    .command('config')
    .description('named contexts (controller, CA file, token file) in the config file');
  config
    .command('view')
    .description('print the config file (it holds no secret: tokens stay in their token files)')
    .action(() => {
      const cfg = mustLoad(d.configPath());
      d.out({ path: cfg.path, ...viewOf(cfg) }, () => viewText(cfg));
    });
  config
    .command('get-contexts')
    .description('list the contexts')
    .action(() => {
      const cfg = mustLoad(d.configPath());
      const rows = Object.entries(cfg.contexts).map(([name, c]) => ({ name, current: name === cfg.current, ...c }));
      d.out(rows, () =>
        table(
          ['CURRENT', 'NAME', 'CONTROLLER', 'CA FILE', 'TOKEN FILE'],
          rows.map((r) => [
            r.current ? '*' : '',
            r.name,
            (r.controller ?? '-') + (r.insecure ? ' (insecure)' : ''),
            r.caFile ?? '-',
            r.tokenFile ?? '-',
          ]),
        ),
      );
    });
  config
    .command('current-context')
    .description('print the current context')
    .action(() => {
      const cfg = mustLoad(d.configPath());
      if (!cfg.current) throw new CliError(`no current context in ${cfg.path}`);
      d.out({ current: cfg.current }, () => cfg.current!);
    });
  config
    .command('use-context <name>')
    .description('make a context the current one')
    .action((name: string) => {
      useContext(d.configPath(), name);
      process.stderr.write(`current context is now ${name}\n`);
    });
  config
    .command('set-context <name>')
    .description(
      'create or update a context from the global flags given on this command line: --controller, --ca-file, --token-file, --insecure',
    )
    .action((name: string) => {
      const o = program.opts();
      const pick = (k: string) => (d.given(k) ? (o[k] as string | boolean) : undefined);
      setContext(d.configPath(), name, {
        controller: pick('controller') as string | undefined,
        caFile: pick('caFile') as string | undefined,
        tokenFile: pick('tokenFile') as string | undefined,
        insecure: pick('insecure') as boolean | undefined,
      });
      process.stderr.write(`context ${name} saved in ${d.configPath()}\n`);
    });
}
