// nephele scheme ls, nephele convert (issue 16): the schemes catalog and
// definition conversion between schemes' formats. The controller converts and
// validates (INVALID_ARGUMENT pointing at the line or element); here only the
// flags and reading the file.
import { createReadStream } from 'node:fs';
import type { Command } from 'commander';
import type { Scheme__Output } from '../../../common/gen/nephele/v1/Scheme.js';
import { DEFINITION_FORMATS, type DefinitionFormatName } from '../../../common/spec/definition.js';
import { DefinitionFormatEnum, DiskFormatEnum } from '../../../common/grpc/convert-scheme.js';
import { CliError } from '../client.js';
import { table, terminalSafe } from '../format.js';
import type { CliKit } from '../kit.js';

const MAX_DEFINITION = 1024 * 1024;

function formatFlag(flag: string, v: string): DefinitionFormatName {
  const f = DEFINITION_FORMATS.find((x) => x === v);
  if (!f) throw new CliError(`${flag}: ${JSON.stringify(v)} is not one of ${DEFINITION_FORMATS.join(', ')}`);
  return f;
}

/** The definition text of FILE ('-' = stdin), refused past 1 MiB without reading the rest. */
async function readDefinition(file: string): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 64 * 1024 })) {
      n += (c as Buffer).length;
      if (n > MAX_DEFINITION) throw new CliError(`${file}: larger than ${MAX_DEFINITION} bytes`);
      chunks.push(c as Buffer);
    }
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const names = <T extends string>(list: unknown[], conv: { fromProto(p: never): T | undefined }) =>
  list.map((p) => conv.fromProto(p as never) ?? String(p));

export function registerSchemeCommands(program: Command, k: CliKit): void {
  const scheme = program
    .command('scheme')
    .description('hypervisor schemes: formats, native tools, hosts offering them');
  scheme
    .command('ls')
    .description('list the schemes, what they read and run from, and the hosts offering each')
    .action(async () => {
      const r = await k.withClient((c) => c.listSchemes({}));
      const rows = r.schemes.map((s: Scheme__Output) => ({
        name: s.name,
        description: s.description,
        formats: names(s.formats, DefinitionFormatEnum),
        diskFormats: names(s.diskFormats, DiskFormatEnum),
        nativeTool: s.nativeTool,
        nativeVerbs: s.nativeVerbs,
        capabilities: Object.keys(s.capabilities)
          .filter((c) => s.capabilities[c])
          .sort(),
        runnable: s.runnable,
        hostCount: s.hostCount,
        hostIds: s.hostIds,
      }));
      k.out(rows, (v) =>
        table(
          [
            'NAME',
            'RUNNABLE',
            'FORMATS',
            'DISKS',
            'TOOL',
            'HOSTS',
            ...(v.wide ? ['VERBS', 'CAPABILITIES', 'DESCRIPTION'] : []),
          ],
          rows.map((s) => [
            s.name,
            s.runnable ? 'yes' : 'no',
            s.formats.join(',') || '-',
            s.diskFormats.join(',') || '-',
            s.nativeTool || '-',
            s.hostCount,
            ...(v.wide ? [s.nativeVerbs.join(',') || '-', s.capabilities.join(','), s.description] : []),
          ]),
          v,
        ),
      );
    });

  program
    .command('convert')
    .description('convert a VM definition between formats (stdout: the result; stderr: what could not be carried)')
    .requiredOption('--from <format>', `source format: ${DEFINITION_FORMATS.join(', ')}`)
    .requiredOption('--to <format>', `target format: ${DEFINITION_FORMATS.join(', ')}`)
    .argument('<file>', "the definition ('-' reads stdin)")
    .action(async (file: string, o: { from: string; to: string }) => {
      const from = formatFlag('--from', o.from);
      const to = formatFlag('--to', o.to);
      const text = await readDefinition(file);
      const r = await k.withClient((c) =>
        c.convertDefinition({
          from: DefinitionFormatEnum.toProto(from),
          to: DefinitionFormatEnum.toProto(to),
          text,
        }),
      );
      if (k.json()) {
        k.out({ text: r.text, lossy: r.lossy, canonical: JSON.parse(r.canonicalJson) as unknown }, () => '');
        return;
      }
      process.stdout.write(r.text);
      for (const l of r.lossy)
        k.note(terminalSafe(`nephele: lossy: ${l.path}${l.value ? ` = ${l.value}` : ''} (${l.reason})`));
    });
}
