// nephele vm import | export: foreign definitions and disks in and out (SchemeService).
import { existsSync, statSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { cliProgress } from '../lazy.js';
import type { Command } from 'commander';
import { DiskReceiver, diskChunks } from '../../../common/disk-stream.js';
import type { ExportVmChunk__Output } from '../../../common/gen/nephele/v1/ExportVmChunk.js';
import type { ImportVmResponse__Output } from '../../../common/gen/nephele/v1/ImportVmResponse.js';
import type { LossyField__Output } from '../../../common/gen/nephele/v1/LossyField.js';
import { DefinitionFormatEnum, DiskFormatEnum } from '../../../common/grpc/convert-scheme.js';
import {
  DEFINITION_FORMATS,
  DISK_FORMATS,
  type DefinitionFormatName,
  type DiskFormatName,
} from '../../../common/spec/definition.js';
import { CliError, type AdminClient } from '../client.js';
import { bytes, terminalSafe } from '../format.js';
import type { CliKit } from '../kit.js';
import { wholeNumber } from '../parse.js';
import { resolveHost, resolveVm } from '../resolve.js';

const MAX_DEFINITION_BYTES = 1024 * 1024;
/** The file a definition is written to, by format. */
const DEFINITION_EXT: Record<DefinitionFormatName, string> = {
  canonical: 'json',
  libvirt: 'xml',
  qemu: 'args',
  vmx: 'vmx',
  xl: 'cfg',
  ovf: 'ovf',
};
const DISK_EXT: Record<string, DiskFormatName> = {
  '.qcow2': 'qcow2',
  '.img': 'raw',
  '.raw': 'raw',
  '.vmdk': 'vmdk',
  '.vhd': 'vhd',
};

function word<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new CliError(`${flag}: must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** A bar on stderr for people (a TTY, or --progress); nothing for scripts. */
function bar(show: boolean, what: string) {
  if (!show) return undefined;
  const b = new (cliProgress().SingleBar)(
    { stream: process.stderr, format: `${what} [{bar}] {percentage}%`, hideCursor: false, noTTYOutput: true },
    cliProgress().Presets.shades_classic,
  );
  b.start(100, 0);
  return { set: (p: number) => b.update(Math.min(100, Math.floor(p))), stop: () => b.stop() };
}

const lossyLines = (lossy: LossyField__Output[]) =>
  lossy.map((l) => `  lossy ${terminalSafe(l.path)} = ${terminalSafe(l.value)}: ${terminalSafe(l.reason)}`);

function importVm(c: AdminClient, disk: string, meta: object, show: boolean): Promise<ImportVmResponse__Output> {
  const size = statSync(disk).size;
  const b = bar(show, 'uploading');
  return new Promise<ImportVmResponse__Output>((resolve, reject) => {
    const call = c.schemes.ImportVm(c.metadata(), (err, r) => (err ? reject(err) : resolve(r!)));
    void (async () => {
      let first = true;
      for await (const ch of diskChunks(disk, '')) {
        const msg = { meta: first ? meta : null, data: ch.data, offset: ch.offset, last: ch.last, sha256: ch.sha256 };
        first = false;
        if (!call.write(msg)) await new Promise((r) => call.once('drain', r));
        b?.set(size ? ((Number(ch.offset) + (ch.data?.length ?? 0)) / size) * 100 : 100);
      }
      call.end();
    })().catch((e: unknown) => {
      call.cancel();
      reject(e instanceof Error ? new CliError(`${disk}: ${e.message}`) : e);
    });
  }).finally(() => b?.stop());
}

/** Writes the export into `dir`: the definition, then the disk (checked against the last chunk's sha256). */
async function exportVm(
  c: AdminClient,
  req: { vmId: string; format: DefinitionFormatName; diskFormat: DiskFormatName },
  dir: string,
  show: boolean,
) {
  const call = c.schemes.ExportVm(
    {
      vmId: req.vmId,
      format: DefinitionFormatEnum.toProto(req.format),
      diskFormat: DiskFormatEnum.toProto(req.diskFormat),
    },
    c.metadata(),
  );
  let rx: DiskReceiver | undefined;
  let b: ReturnType<typeof bar>;
  let out: { definition: string; disk: string; sizeBytes: number; sha256: string; lossy: LossyField__Output[] };
  out = { definition: '', disk: '', sizeBytes: 0, sha256: '', lossy: [] };
  try {
    for await (const m of call as AsyncIterable<ExportVmChunk__Output>) {
      if (m.header) {
        const name = m.header.diskFileName;
        if (!name || name !== basename(name) || name.startsWith('.'))
          throw new CliError('export: the controller named no usable disk file');
        const def = join(dir, `${basename(name, extname(name))}.${DEFINITION_EXT[req.format]}`);
        writeFileSync(`${def}.part`, m.header.definition);
        renameSync(`${def}.part`, def);
        out = { ...out, definition: def, disk: join(dir, name), lossy: m.header.lossy };
        rx = new DiskReceiver(out.disk, (field, problem) => new CliError(`export: ${field} ${problem}`));
        continue;
      }
      if (m.progress) {
        b ??= bar(show, 'converting');
        b?.set(m.progress.percent);
        continue;
      }
      if (!rx) throw new CliError('export: disk data before the header');
      await rx.write(m);
    }
    if (!rx?.done) throw new CliError('export: the stream ended before the last chunk');
    return { ...out, sizeBytes: rx.bytes, sha256: rx.sha256 };
  } catch (e) {
    call.cancel();
    throw e;
  } finally {
    b?.stop();
    rx?.abort();
  }
}

export function registerVmTransferCommands(program: Command, k: CliKit): void {
  const vm = program.commands.find((c) => c.name() === 'vm') ?? program.command('vm');
  vm.command('import')
    .description(
      "a foreign VM (definition + disk) as a Nephele VM of a scheme; the disk is converted to the scheme's format",
    )
    .requiredOption('--format <format>', `definition format: ${DEFINITION_FORMATS.join(', ')}`)
    .requiredOption('--definition <file>', 'the definition file')
    .requiredOption('--disk <file>', "the VM's disk file")
    .option('--disk-format <format>', `${DISK_FORMATS.join(', ')} (default: from the disk's extension)`)
    .requiredOption('--scheme <scheme>', 'the scheme it runs under: qemu, libvirt')
    .option('--host <host>', 'run it on this host (default: the planner chooses)')
    .option('--name <name>', "the VM's name (default: the definition's)")
    .option('--tenant <name>', 'the tenant it belongs to (admins)')
    .option('--appliance-port <port>', "guest port to forward (default: the definition's)")
    .option('--no-start', 'create it stopped')
    .option('--progress', 'show the upload bar even when stderr is not a terminal')
    .action(async (o) => {
      const format = word('--format', o.format, DEFINITION_FORMATS);
      const diskFormat = o.diskFormat
        ? word('--disk-format', o.diskFormat, DISK_FORMATS)
        : DISK_EXT[extname(o.disk).toLowerCase()];
      if (!diskFormat) throw new CliError('--disk-format: cannot tell from the file name; give it');
      for (const f of [o.definition, o.disk]) if (!existsSync(f)) throw new CliError(`${f}: no such file`);
      if (statSync(o.definition).size > MAX_DEFINITION_BYTES)
        throw new CliError(`${o.definition}: a definition is at most ${MAX_DEFINITION_BYTES} bytes`);
      const r = await k.withClient(async (c) => {
        const meta = {
          format: DefinitionFormatEnum.toProto(format),
          definition: readFileSync(o.definition, 'utf8'),
          diskFormat: DiskFormatEnum.toProto(diskFormat),
          diskSizeBytes: statSync(o.disk).size,
          scheme: o.scheme,
          hostId: o.host ? await resolveHost(c, o.host) : '',
          name: o.name ?? '',
          tenant: o.tenant ?? '',
          start: o.start !== false,
          appliancePort: o.appliancePort ? wholeNumber('--appliance-port', o.appliancePort, 1) : 0,
        };
        return importVm(c, o.disk, meta, !!o.progress || !!process.stderr.isTTY);
      });
      k.out(r, () =>
        k.quiet()
          ? r.vm!.id
          : [`imported ${r.vm!.name} (${r.vm!.id}) on ${r.vm!.hostId || '-'}`, ...lossyLines(r.lossy)].join('\n'),
      );
    });
  vm.command('export <vm>')
    .description("a stopped VM's definition in a format, and its disk converted, written into a directory")
    .requiredOption('--format <format>', `definition format: ${DEFINITION_FORMATS.join(', ')}`)
    .option('--disk-format <format>', DISK_FORMATS.join(', '), 'qcow2')
    .requiredOption('--out <dir>', 'the directory to write the definition and the disk into')
    .option('--progress', 'show the conversion bar even when stderr is not a terminal')
    .action(async (ref: string, o) => {
      const format = word('--format', o.format, DEFINITION_FORMATS);
      const diskFormat = word('--disk-format', o.diskFormat, DISK_FORMATS);
      if (!existsSync(o.out) || !statSync(o.out).isDirectory()) throw new CliError(`${o.out}: not a directory`);
      const r = await k.withClient(async (c) => {
        const req = { vmId: await resolveVm(c, ref), format, diskFormat };
        return exportVm(c, req, o.out, !!o.progress || !!process.stderr.isTTY);
      });
      k.out(r, () =>
        [
          `definition ${r.definition}`,
          `disk ${r.disk}: ${bytes(r.sizeBytes)} (${r.sizeBytes} B), sha256 ${r.sha256} checked`,
          ...lossyLines(r.lossy),
        ].join('\n'),
      );
    });
}
