// A real agent (process scheme) answers read_manifest (issue 15): the
// appliance's nephele-manifest.json in its DATA dir (<vm dir>/data) reaches
// `nephele reclass analyze` as the VM's manifest; a VM without one, or with one
// that is not a regular file or is too large, shows none (the agent refuses, the
// controller falls back to the image's).
//
// Before: the agent had no read_manifest and Analyze answered "not built yet".
import t from 'tap';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/wait.js';
import { cli, hostIdOf, joinToken, startAgent, startController } from '../helpers/procs.js';
import { createProcessVm } from '../helpers/usage-meter.js';

t.test('a real agent reads the process appliance manifest', async (t) => {
  const ctl = await startController(tmpDir());
  const adir = tmpDir();
  const agent = startAgent(ctl.address, adir, { joinToken: await joinToken(ctl), args: ['--guest-vcpus', '8'] });
  t.teardown(async () => {
    await agent.kill();
    await ctl.kill();
  });
  const host = await waitFor(
    () => {
      try {
        return hostIdOf(adir);
      } catch {
        return undefined;
      }
    },
    { timeoutMs: 30_000, message: 'the agent enrolled' },
  );
  const ids: Record<string, string> = {};
  for (const name of ['declared', 'plain', 'linked', 'huge']) {
    const r = await createProcessVm(ctl, host, name);
    t.equal(r.code, 0, r.stderr);
    ids[name] = r.id;
  }
  const data = (name: string) => {
    const d = join(adir, 'vms', ids[name]!, 'data');
    mkdirSync(d, { recursive: true });
    return join(d, 'nephele-manifest.json');
  };
  writeFileSync(
    data('declared'),
    JSON.stringify({ min_vcpus: 1, max_vcpus: 4, min_memory_mib: 64, required_features: ['secure-os'], net_mbps: 100 }),
  );
  const outside = join(tmpDir(), 'secret.json');
  writeFileSync(outside, JSON.stringify({ required_features: ['leaked'] }));
  symlinkSync(outside, data('linked'));
  writeFileSync(data('huge'), JSON.stringify({ modules: [], pad: 'x'.repeat(20_000) }));

  const r = await cli([
    '--controller',
    ctl.address,
    '--data-dir',
    ctl.dataDir,
    '--json',
    'reclass',
    'analyze',
    '--window',
    '2h',
    '--min-data',
    '1h',
  ]);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, '');
  const rows = new Map(
    (
      JSON.parse(r.stdout) as {
        vmName: string;
        manifest: Record<string, unknown> | null;
        findings: { kind: string }[];
      }[]
    ).map((x) => [x.vmName, x]),
  );
  t.match(rows.get('declared')!.manifest, {
    minVcpus: 1,
    maxVcpus: 4,
    minMemoryMib: '64',
    requiredFeatures: ['secure-os'],
    netMbps: 100,
    source: 'vm',
  });
  t.ok(
    rows.get('declared')!.findings.some((f) => f.kind === 'missing_feature'),
    'the host offers no secure-os',
  );
  t.equal(rows.get('plain')!.manifest, null, 'no file: no manifest');
  t.equal(rows.get('linked')!.manifest, null, 'a symlink is not followed');
  t.equal(rows.get('huge')!.manifest, null, 'a file over 16 KiB is refused');
});
