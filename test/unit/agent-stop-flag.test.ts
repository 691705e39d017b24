// --stop-vms-on-exit from the command line or NEPHELE_STOP_VMS_ON_EXIT (issue 11,
// item 10): the variable's usual false spellings mean false, and --help names
// the variable.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { envBoolean } from '../../agent/flags.js';
import { AGENT } from '../helpers/procs.js';

t.test('envBoolean', async (t) => {
  t.equal(envBoolean(true, 'cli', undefined), true, 'the flag given');
  t.equal(envBoolean(undefined, undefined, undefined), false, 'neither');
  for (const v of ['1', 'true', 'yes', 'on', 'TRUE'])
    t.equal(envBoolean(true, 'env', v), true, `NEPHELE_STOP_VMS_ON_EXIT=${v}`);
  for (const v of ['0', 'false', 'no', 'off', '', ' False '])
    t.equal(envBoolean(true, 'env', v), false, `NEPHELE_STOP_VMS_ON_EXIT=${JSON.stringify(v)}`);
});

t.test('--help names the flag and its variable', async (t) => {
  const r = spawnSync(process.execPath, [AGENT, '--help'], { encoding: 'utf8' });
  t.equal(r.status, 0);
  t.match(
    r.stdout,
    /--stop-vms-on-exit\s+stop this host's VMs when the agent stops[\s\S]*?\(env:\s+NEPHELE_STOP_VMS_ON_EXIT\)/,
  );
});
