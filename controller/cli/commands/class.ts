// nephele class ls|define|rm (issue 15): the catalog of classes VMs are
// reclassified to. The controller validates (INVALID_ARGUMENT naming the field);
// here only what the flags' own syntax needs.
import type { Command } from 'commander';
import type { VmClass, VmClass__Output } from '../../../common/gen/nephele/v1/VmClass.js';
import { collect, type CliKit } from '../kit.js';
import { details, table, when } from '../format.js';
import { gibibytes, mebibytes, wholeNumber } from '../parse.js';
import { CliError } from '../client.js';

const mem = (mib: number) => (mib % 1024 === 0 ? `${mib / 1024}GiB` : `${mib}MiB`);
const price = (c: VmClass__Output, currency: string) =>
  c.pricePerHour > 0 ? `${+c.pricePerHour.toFixed(6)} ${currency}` : 'rate card';
const cap = (n: number, unit: string) => (n ? `${n} ${unit}` : '-');

export function classDetail(c: VmClass__Output, currency = ''): string {
  return details([
    ['Name', c.name],
    ['vCPUs', c.vcpus],
    ['Memory', mem(c.memoryMib)],
    ['Disk', `${c.diskGib}GiB`],
    ['Disk I/O cap', cap(c.diskIoMbps, 'MB/s')],
    ['Network cap', cap(c.netMbps, 'Mbit/s')],
    ['Features', c.features],
    ['Price per hour', price(c, currency).trim()],
    ['Description', c.description],
    ['Builtin', c.builtin ? 'yes' : 'no'],
    ['Version', `${c.version}, updated ${when(c.updatedUnixMs)}`],
  ]);
}

interface DefineFlags {
  vcpus: string;
  memory: string;
  disk: string;
  diskIo?: string;
  net?: string;
  feature: string[];
  price?: string;
  description?: string;
  requestId?: string;
}

export function classFromFlags(name: string, o: DefineFlags): VmClass {
  const p = o.price === undefined ? 0 : Number(o.price);
  if (o.price !== undefined && (!/^\d+(\.\d+)?$/.test(o.price.trim()) || !Number.isFinite(p)))
    throw new CliError(`--price: ${JSON.stringify(o.price)} is not a price (e.g. 0.05)`);
  return {
    name,
    vcpus: wholeNumber('--vcpus', o.vcpus),
    memoryMib: mebibytes('--memory', o.memory),
    diskGib: gibibytes('--disk', o.disk),
    diskIoMbps: o.diskIo === undefined ? 0 : wholeNumber('--disk-io', o.diskIo, 0, 2 ** 32 - 1),
    netMbps: o.net === undefined ? 0 : wholeNumber('--net', o.net, 0, 2 ** 32 - 1),
    features: o.feature.flatMap((f) => f.split(',')).filter(Boolean),
    pricePerHour: p,
    description: o.description ?? '',
  };
}

export function registerClassCommands(program: Command, k: CliKit): void {
  const cls = program.command('class').description('the catalog of VM classes reclassification sizes VMs by');
  cls
    .command('ls')
    .description('list the classes (by vCPUs, then memory); prices in the rate card currency')
    .action(async () => {
      const r = await k.withClient((c) => c.listClasses({}));
      const rows = r.classes.map((c) => ({ ...c, currency: r.currency }));
      k.out(rows, (v) =>
        table(
          [
            'NAME',
            'VCPUS',
            'MEMORY',
            'DISK',
            'FEATURES',
            `PRICE/H`,
            'BUILTIN',
            ...(v.wide ? ['DISK-IO', 'NET', 'DESCRIPTION'] : []),
          ],
          r.classes.map((c) => [
            c.name,
            c.vcpus,
            mem(c.memoryMib),
            `${c.diskGib}GiB`,
            c.features.join(',') || '-',
            price(c, r.currency),
            c.builtin ? 'yes' : 'no',
            ...(v.wide ? [cap(c.diskIoMbps, 'MB/s'), cap(c.netMbps, 'Mbit/s'), c.description || '-'] : []),
          ]),
          v,
        ),
      );
    });
  cls
    .command('define <name>')
    .description('create a class, or replace the one of that name (a replaced shipped class is no longer builtin)')
    .requiredOption('--vcpus <n>', 'vCPUs')
    .requiredOption('--memory <size>', 'memory (e.g. 4G, 512M; a bare number is MiB)')
    .option('--disk <size>', 'disk (e.g. 40G; a bare number is GiB)', '20G')
    .option('--disk-io <MBps>', 'disk I/O cap in MB/s (0: none)')
    .option('--net <Mbps>', 'network cap in Mbit/s (0: none)')
    .option(
      '--feature <name>',
      'a feature hosts must offer (repeatable, or comma separated): secure-os, avx2, gpu',
      collect,
      [],
    )
    .option('--price <per-hour>', 'price per hour in the rate card currency (default: priced by the rate card)')
    .option('--description <text>', 'what the class is for')
    .option('--request-id <id>', 'retry-safe: the same id again does not apply twice')
    .action(async (name: string, o: DefineFlags) => {
      const vmClass = classFromFlags(name, o);
      const r = await k.withClient((c) => c.defineClass({ vmClass, requestId: o.requestId ?? '' }));
      k.out(r.vmClass, () => classDetail(r.vmClass!));
    });
  cls
    .command('rm <name>')
    .description('delete a class (a deleted shipped class stays deleted)')
    .option('--request-id <id>', 'retry-safe: the same id again does not apply twice')
    .action(async (name: string, o: { requestId?: string }) => {
      await k.withClient((c) => c.deleteClass({ name, requestId: o.requestId ?? '' }));
      k.out({ name, removed: true }, () => `removed class ${name}`);
    });
}
