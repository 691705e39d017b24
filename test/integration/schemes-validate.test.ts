// virt-xml-validate (libvirt-clients) accepts every libvirt domain XML we write:
// each corpus document converted to libvirt, directly and through every other
// format first. Outside CI a machine without the tool skips loudly; in CI it fails.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DEFINITION_FORMATS } from '../../common/spec/definition.js';
import { convertDefinition } from '../../controller/schemes/catalog/convert.js';
import { CORPUS } from '../helpers/definition-corpus.js';
import { tmpDir } from '../helpers/tmp.js';

const TOOL = 'virt-xml-validate';
const have = spawnSync('sh', ['-c', `command -v ${TOOL}`]).status === 0;
if (!have && process.env.CI !== 'true') {
  t.comment(`SKIPPING: ${TOOL} not installed (apt install libvirt-clients; in CI this fails instead)`);
  process.exit(0);
}

t.test('every libvirt XML we write validates against libvirt schema', async (t) => {
  t.ok(have, `${TOOL} is installed`);
  const dir = tmpDir();
  const files: string[] = [];
  for (const doc of CORPUS) {
    for (const via of DEFINITION_FORMATS) {
      const mid = convertDefinition(doc.format, via, doc.text);
      const xml = convertDefinition(via, 'libvirt', mid.text);
      const f = join(dir, `${files.length}-${doc.format}-via-${via}.xml`);
      writeFileSync(f, xml.text);
      files.push(f);
    }
  }
  for (const f of files) {
    const r = spawnSync(TOOL, [f, 'domain'], { encoding: 'utf8' });
    t.equal(r.status, 0, `${f.slice(dir.length + 1)}: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}`);
  }
});
