// Reading an appliance's manifest on the agent (issue 15): qemu through the
// guest agent's `exec` in 256-byte answers (run here against a local shell
// playing the guest), process from the VM dir's data/ (no symlinks, size-capped),
// and the read_manifest command's answer.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifestGuest } from '../../agent/drivers/qemu/manage.js';
import type { GuestChannel } from '../../agent/drivers/qemu/guest-channel.js';
import { manifestOf } from '../../agent/drivers/process/manage.js';
import { tmpDir } from '../helpers/tmp.js';

/** Answers `exec` as scripts/guest/agent.sh does: exit code and the first 256 bytes of output, base64. */
const localGuest = (): GuestChannel & { calls: number } => {
  const g = {
    calls: 0,
    async request(cmd: string) {
      g.calls++;
      const [verb, , ...words] = cmd.split(' ');
      if (verb !== 'exec') throw new Error(`unexpected ${verb}`);
      const argv = words.map((w) => Buffer.from(w.slice(4), 'base64').toString());
      const r = spawnSync(argv[0]!, argv.slice(1));
      return `${r.status} ${r.stdout.subarray(0, 256).toString('base64')}`;
    },
  };
  return g as unknown as GuestChannel & { calls: number };
};

t.test('qemu: the manifest read in chunks through exec, byte for byte', async (t) => {
  const dir = tmpDir();
  const file = join(dir, 'nephele-manifest.json');
  const text = JSON.stringify({ required_features: ['secure-os'], modules: ['ünïcödé', 'x'.repeat(900)] });
  writeFileSync(file, text);
  const g = localGuest();
  t.equal(await readManifestGuest(g, file), text, 'multi-byte characters across chunk borders survive');
  t.equal(g.calls, 1 + Math.ceil(Buffer.byteLength(text) / 192), 'its size, then 192-byte chunks');
  t.equal(await readManifestGuest(localGuest(), join(dir, 'absent.json')), '', 'none: empty');
  writeFileSync(join(dir, 'big.json'), 'x'.repeat(16 * 1024 + 1));
  await t.rejects(readManifestGuest(localGuest(), join(dir, 'big.json')), /larger than 16384/);
  symlinkSync(file, join(dir, 'link.json'));
  await t.rejects(readManifestGuest(localGuest(), join(dir, 'link.json')), /not a regular file/);
});

t.test('process: data/nephele-manifest.json of the VM dir', async (t) => {
  const vm = tmpDir();
  t.equal(manifestOf(vm), '', 'no data dir: none');
  mkdirSync(join(vm, 'data'));
  const file = join(vm, 'data', 'nephele-manifest.json');
  writeFileSync(file, '{"min_vcpus": 2}');
  t.equal(manifestOf(vm), '{"min_vcpus": 2}');
  writeFileSync(file, 'x'.repeat(16 * 1024 + 1));
  t.throws(() => manifestOf(vm), /larger than 16384/);
  const other = tmpDir();
  mkdirSync(join(other, 'data'));
  symlinkSync('/etc/passwd', join(other, 'data', 'nephele-manifest.json'));
  t.throws(() => manifestOf(other), /ELOOP/, 'a symlink is not followed');
  const d = tmpDir();
  mkdirSync(join(d, 'data', 'nephele-manifest.json'), { recursive: true });
  t.throws(() => manifestOf(d), /not a regular file/);
});
