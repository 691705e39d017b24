// Finding 13: certificate renewal must be crash-atomic. A crash after any step
// of installing a renewed pair leaves, at the next start, a key that matches
// its certificate: the old pair or the new one, never one of each.
import t from 'tap';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AgentFiles, keyMatchesCert, renewalSteps } from '../../agent/state.js';
import { createCa, issueWithKey } from '../../common/tls/pki.js';
import { tmpDir } from '../helpers/tmp.js';

const DAY = 86_400_000;

t.test('a crash after every step of a renewal leaves a matching pair', async (t) => {
  const ca = await createCa('Test CA', 30);
  const old = await issueWithKey(ca, { commonName: 'host', validMs: DAY, usage: 'client' });
  const renewed = await issueWithKey(ca, { commonName: 'host', validMs: 2 * DAY, usage: 'client' });
  t.notOk(keyMatchesCert(renewed.keyPem, old.certPem), 'the two pairs differ');

  const steps = renewalSteps(new AgentFiles(tmpDir()), renewed.keyPem, renewed.certPem).length;
  for (let done = 0; done <= steps; done++) {
    const dir = join(tmpDir(), 'agent');
    const files = new AgentFiles(dir);
    files.write('key.pem', old.keyPem);
    files.write('cert.pem', old.certPem);
    files.write('ca.pem', ca.certPem, 0o644);
    // "Crash" after `done` steps: the process is gone, the files stay as they are.
    for (const step of renewalSteps(files, renewed.keyPem, renewed.certPem).slice(0, done)) step();

    const c = new AgentFiles(dir).credentials(); // the next start
    t.ok(c, `after ${done} step(s): credentials found`);
    t.ok(keyMatchesCert(c!.keyPem, c!.certPem), `after ${done} step(s): the key matches the certificate`);
    const which = c!.certPem === renewed.certPem ? 'new' : c!.certPem === old.certPem ? 'old' : 'other';
    // Once both new files are on disk the renewal is completed, not undone.
    t.equal(which, done >= 2 ? 'new' : 'old', `after ${done} step(s): the ${done >= 2 ? 'new' : 'old'} pair`);
    t.same(
      readdirSync(dir).filter((f) => f.includes('.next') || f.endsWith('.tmp')),
      [],
      `after ${done} step(s): no leftovers`,
    );
    t.ok(existsSync(join(dir, 'ca.pem')));
  }
});

t.test('a half-written file from a crash inside a write is ignored', async (t) => {
  const ca = await createCa('Test CA', 30);
  const old = await issueWithKey(ca, { commonName: 'host', validMs: DAY, usage: 'client' });
  const dir = join(tmpDir(), 'agent');
  const files = new AgentFiles(dir);
  files.write('key.pem', old.keyPem);
  files.write('cert.pem', old.certPem);
  files.write('ca.pem', ca.certPem);
  // A crash inside write(): only its temp file exists, cut short.
  files.write('cert.pem.next.tmp', '-----BEGIN CERTIFICATE-----\nMIIB');
  files.write('key.pem.next', 'not a key at all');
  const c = new AgentFiles(dir).credentials();
  t.equal(c?.certPem, old.certPem, 'the old pair stays');
  t.same(readdirSync(dir).sort(), ['ca.pem', 'cert.pem', 'key.pem']);
});
