// The monitor CLI's flag syntax (issue 14): --probe and --rogue specs, a policy
// file in the shape `policy show --json` prints, flags on top of a file.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseProbe,
  parseRogue,
  policyFromFile,
  policyFromFlags,
} from '../../controller/cli/commands/monitor-policy.js';
import { tmpDir } from '../helpers/tmp.js';

t.test('--probe', async (t) => {
  t.same(parseProbe('http'), { name: 'http', kind: 'PROBE_KIND_HTTP', path: '/' });
  t.same(
    parseProbe('api=http:/v1/health?a=1,b,status=204,body=ok, fine,timeout=3s'),
    {
      name: 'api',
      kind: 'PROBE_KIND_HTTP',
      path: '/v1/health?a=1,b',
      expectStatus: 204,
      expectBody: 'ok, fine',
      timeoutMs: 3000,
    },
    'commas stay in a path and a body; only a known key= starts an option',
  );
  t.same(parseProbe('tcp'), { name: 'tcp', kind: 'PROBE_KIND_TCP' });
  t.same(parseProbe('db=tcp,port=5432'), { name: 'db', kind: 'PROBE_KIND_TCP', port: 5432 });
  t.same(parseProbe('exec:/bin/sh  -c  true,exit=0'), {
    name: 'exec',
    kind: 'PROBE_KIND_EXEC',
    command: ['/bin/sh', '-c', 'true'],
    expectExit: 0,
  });
  t.throws(() => parseProbe('http:health'), /--probe: an http path starts with "\/"/);
  t.throws(() => parseProbe('exec'), /--probe: exec needs a command/);
  t.throws(() => parseProbe('tcp:99999'), /--probe port: must be between 1 and 65535/);
  t.throws(() => parseProbe('http:/,status=200,status=500'), /status given twice/);
  t.throws(() => parseProbe('exec:true,status=200'), /status= does not apply to exec probes/);
  t.throws(() => parseProbe('Bad Name=http'), /--probe: \[name=\]http/);
});

t.test('--rogue', async (t) => {
  t.same(parseRogue('name=miner,comm=^xmr(ig|rig)$,cmdline=--pool a,b'), {
    name: 'miner',
    nameRegex: '^xmr(ig|rig)$',
    cmdlineRegex: '--pool a,b',
    exeSha256: '',
  });
  t.throws(() => parseRogue('name=x'), /needs comm=, cmdline= or sha256=/);
  t.throws(() => parseRogue('comm=x'), /--rogue: name=<n>/);
  t.throws(() => parseRogue('junk,name=x,comm=y'), /--rogue: name=<n>/);
});

t.test('a policy file, and flags on top', async (t) => {
  const file = join(tmpDir(), 'p.json');
  writeFileSync(
    file,
    JSON.stringify({
      scope: 'set:X',
      version: 4,
      updatedUnixMs: 1,
      intervalS: 60,
      probes: [
        { name: 'h', kind: 'http', path: '/' },
        { name: 't', kind: 'PROBE_KIND_TCP' },
      ],
      ladders: { rogue: [{ step: 'kill_process' }, { step: 'suspend', times: 1 }] },
    }),
  );
  const p = policyFromFile(file);
  t.notOk('scope' in p || 'version' in p || 'updatedUnixMs' in p, 'read-only fields dropped');
  t.equal(p.enabled, true, 'enabled unless the file says not');
  t.same(
    p.probes!.map((x) => x.kind),
    ['PROBE_KIND_HTTP', 'PROBE_KIND_TCP'],
    'short or proto enum names',
  );
  t.same(
    p.ladders!.rogue!.map((x) => x.step),
    ['LADDER_STEP_KILL_PROCESS', 'LADDER_STEP_SUSPEND'],
  );
  const q = policyFromFlags({ file, interval: '2m', probe: [], rogue: [], failures: '2', disable: true });
  t.match(q, { intervalS: 120, thresholds: { failures: 2 }, enabled: false, probes: [{ name: 'h' }, { name: 't' }] });
  writeFileSync(file, '{"ladders": {"faulted": [{"step": "explode"}]}}');
  t.throws(() => policyFromFile(file), /--file: ladders\.faulted\[0\]\.step must be one of restart_app/);
  writeFileSync(file, '[1]');
  t.throws(() => policyFromFile(file), /is not a JSON object/);
  writeFileSync(file, '{');
  t.throws(() => policyFromFile(file), /^--file: /);
  t.throws(() => policyFromFlags({ probe: [], rogue: [], jitter: '101' }), /--jitter: must be between 0 and 100/);
});
