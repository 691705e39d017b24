import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { DefinitionFormatName } from '../../common/spec/definition.js';
import { convertDefinition } from '../../controller/schemes/catalog/convert.js';
import { CORPUS, LIBVIRT_XML } from '../../test/helpers/definition-corpus.js';
import { fig, type Figures } from './results.js';

// schemes.convert_per_s: definition conversions through the canonical spec (parse,
// check, render, both lossy lists) over a mix of the corpus's real-world shaped
// documents (vmx -> libvirt, libvirt -> ovf, ovf -> vmx, xl -> qemu, qemu -> libvirt,
// canonical -> xl), in process. Beside it, in the same run:
// schemes.convert_xml_per_s: libvirt -> libvirt alone (the XML path both ways), and
// schemes.bare_xml_roundtrip_per_s: a bare fast-xml-parser parse + build of the same
// domain XML (no checks, no bounds, no lossy walk): the floor of any XML conversion.

const SECONDS = Number(process.env.BENCH_SCHEMES_SECONDS ?? 3);
const log = (msg: string) => process.stdout.write(`[schemes-convert] ${msg}\n`);

const MIX: [DefinitionFormatName, DefinitionFormatName][] = [
  ['vmx', 'libvirt'],
  ['libvirt', 'ovf'],
  ['ovf', 'vmx'],
  ['xl', 'qemu'],
  ['qemu', 'libvirt'],
  ['canonical', 'xl'],
];

function rate(fn: () => void): number {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let n = 0;
  while (performance.now() < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
  }
  return n / ((performance.now() - start) / 1000);
}

export async function runSchemesConvert(): Promise<Figures> {
  const text = (f: DefinitionFormatName) => CORPUS.find((d) => d.format === f)!.text;
  let k = 0;
  const mixed = rate(() => {
    const [from, to] = MIX[k++ % MIX.length]!;
    convertDefinition(from, to, text(from));
  });
  log(`mix of ${MIX.length} pairs: ${mixed.toFixed(0)} conversions/s`);
  const xml = rate(() => convertDefinition('libvirt', 'libvirt', LIBVIRT_XML));
  log(`libvirt -> libvirt: ${xml.toFixed(0)} conversions/s`);
  const opts = { ignoreAttributes: false, preserveOrder: true, attributeNamePrefix: '' };
  const parser = new XMLParser(opts);
  const builder = new XMLBuilder(opts);
  const bare = rate(() => builder.build(parser.parse(LIBVIRT_XML)));
  log(`bare fast-xml-parser parse + build: ${bare.toFixed(0)} round trips/s`);
  return {
    'schemes.convert_per_s': fig(mixed, 'conversions/s', 0),
    'schemes.convert_xml_per_s': fig(xml, 'conversions/s', 0),
    'schemes.bare_xml_roundtrip_per_s': fig(bare, 'round trips/s', 0),
  };
}
