// `nephele mgmt begin|configure|capture|end` (management instances) and
// `nephele set populate|config-table`. The management token never goes on a
// command line (it would show in /proc): it is read from a file or the
// environment, and begin writes it to a 0600 file when asked to.
import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { BeginManagementResponse__Output as Begun } from '../../../common/gen/nephele/v1/BeginManagementResponse.js';
import type { ManagementToken__Output as Token } from '../../../common/gen/nephele/v1/ManagementToken.js';
import type { Image__Output as Image } from '../../../common/gen/nephele/v1/Image.js';
import type { CaptureImageResponse__Output as CaptureImageResponse } from '../../../common/gen/nephele/v1/CaptureImageResponse.js';
import type { ConfigurationTable__Output as Table } from '../../../common/gen/nephele/v1/ConfigurationTable.js';
import type { ConfigFile } from '../../../common/gen/nephele/v1/ConfigFile.js';
import { writeFileAtomic } from '../../../common/fs-atomic.js';
import { collect, type CliKit } from '../kit.js';
import { CliError } from '../client.js';
import { gibibytes, keyValues, mebibytes, wholeNumber } from '../parse.js';
import { bytes, details, enumWord, table, when } from '../format.js';
import { resolveSet } from '../resolve.js';
import { planText, setTable, setWaitOf, waitOptions } from './set.js';

const TOKEN_ENV = 'NEPHELE_MGMT_TOKEN';
const CAPTURE_WAIT_MS = 16 * 60_000;

/** The management token: --mgmt-token-file, else $NEPHELE_MGMT_TOKEN. */
function mgmtToken(o: { mgmtTokenFile?: string }): string {
  const t = o.mgmtTokenFile ? readFileSync(o.mgmtTokenFile, 'utf8') : process.env[TOKEN_ENV];
  if (!t?.trim()) throw new CliError(`no management token: pass --mgmt-token-file or set ${TOKEN_ENV}`);
  return t.trim();
}

const tokenOption = () =>
  new Option('--mgmt-token-file <file>', `file holding the management token (or set ${TOKEN_ENV})`);

const tokenText = (m: Token | null) =>
  m
    ? details([
        ['Token id', m.tokenId],
        ['Tenant', m.tenant],
        ['VM', m.vmId],
        ['Set', m.setId || '-'],
        ['Live', m.live ? 'yes' : 'no'],
        ['Config version', m.configVersion],
        ['Created', when(m.createdUnixMs)],
        ['Ended', when(m.endedUnixMs)],
      ])
    : '';

const imageText = (i: Image | null) =>
  i
    ? details([
        ['ID', i.id],
        ['Name', i.name],
        ['Tenant', i.tenant],
        ['Format', enumWord(i.format, 'IMAGE_FORMAT_')],
        ['Size', bytes(i.sizeBytes)],
        ['SHA-256', i.sha256],
        ['Parent', i.parentImageId || '-'],
        ['Token id', i.tokenId],
        ['Config version', i.configVersion],
      ])
    : '';

function tableText(t: Table): string {
  const head = details([
    ['Set', t.setId],
    ['Tenant', t.tenant],
    ['Image', t.imageId || '(shipped guest)'],
    ['Token', t.tokenId ? `${t.tokenId} (${t.tokenLive ? 'live' : 'ended'})` : '-'],
    ['Count', t.count],
    ['Expires', when(t.expiresUnixMs)],
  ]);
  const members = table(
    ['VM', 'NAME', 'HOST', 'ADDRESS', 'STATE', 'MANAGEMENT'],
    t.members.map((m) => [
      m.vmId,
      m.name,
      m.hostId || '-',
      m.address || '-',
      enumWord(m.state, 'VM_STATE_'),
      m.management ? 'yes' : '-',
    ]),
  );
  const images = table(
    ['IMAGE', 'PARENT', 'TOKEN', 'CONFIG', 'STATE', 'CREATED'],
    t.images.map((i) => [
      i.imageId,
      i.parentImageId || '-',
      i.tokenId || '-',
      i.configVersion,
      enumWord(i.state, 'IMAGE_STATE_'),
      when(i.createdUnixMs),
    ]),
  );
  const cycles = table(
    ['CYCLE', 'STATE', 'FROM SET', 'TO SET', 'IMAGE', 'CREATED'],
    t.cycles.map((c) => [
      c.id,
      enumWord(c.state, 'CYCLE_STATE_'),
      c.setId,
      c.newSetId || '-',
      c.imageId || '-',
      when(c.createdUnixMs),
    ]),
  );
  const history = [
    t.images.length ? `Images:\n${images}` : 'Images: none captured',
    t.cycles.length ? `Update cycles:\n${cycles}` : 'Update cycles: none',
  ];
  return [head, members, ...history].join('\n\n');
}

/** `--file path=localfile`: the local file's bytes go to `path` on the data disk. */
function files(list: string[]): ConfigFile[] {
  return list.map((kv) => {
    const i = kv.indexOf('=');
    if (i < 1) throw new CliError(`--file wants path=localfile, got ${JSON.stringify(kv)}`);
    return { path: kv.slice(0, i), content: readFileSync(kv.slice(i + 1)), mode: 0o644 };
  });
}

export function registerMgmtCommands(program: Command, k: CliKit): void {
  const m = program
    .command('mgmt')
    .description('management instances: a token-marked, hidden VM to configure and capture');
  m.command('begin')
    .description('make a management instance of a running VM (of a set, or the VM given); prints its token once')
    .option('--set <set>', 'a running VM of this set is chosen')
    .option('--vm <id>', 'this VM')
    .option('--image <id>', 'a new VM started from this image')
    .option('--token-out <file>', 'write the token to this file (0600) instead of printing it')
    .option('--request-id <id>', 'idempotency key (a replay never shows the token)')
    .action(async (o) => {
      const given = [o.set, o.vm, o.image].filter(Boolean).length;
      if (given !== 1) throw new CliError('give exactly one of --set, --vm, --image');
      // Checked first: the token is shown once, so the file must be writable before it exists.
      if (o.tokenOut && existsSync(o.tokenOut)) throw new CliError(`--token-out: ${o.tokenOut} exists already`);
      const r: Begun = await k.withClient(async (c) =>
        c.beginManagement({
          ...(o.set ? { setId: await resolveSet(c, o.set) } : o.vm ? { vmId: o.vm } : { imageId: o.image }),
          requestId: o.requestId ?? '',
        }),
      );
      if (o.tokenOut && r.token) {
        try {
          await writeFileAtomic(o.tokenOut, r.token + '\n', { mode: 0o600, overwrite: false });
          r.token = '';
          k.note(`token written to ${o.tokenOut}`);
        } catch (e) {
          k.note(`could not write ${o.tokenOut} (${(e as Error).message}); the token is printed instead`);
        }
      }
      if (k.quiet()) return void (r.token && process.stdout.write(r.token + '\n'));
      k.out(r, () => `${tokenText(r.management)}${r.token ? `\n\nToken (shown once): ${r.token}` : ''}`);
    });
  m.command('configure')
    .description('configure the management instance (each change is a new version)')
    .addOption(tokenOption())
    .option('--config <k=v...>', 'appliance settings ("k=" removes k)')
    .option('--file <path=localfile>', 'a file for the data disk (repeatable)', collect, [])
    .option('--appliance-version <v>', 'the appliance version')
    .option('--vcpus <n>', 'vCPUs of future clones')
    .option('--memory <size>', 'memory of future clones (512M, 1G)')
    .option('--disk <size>', 'disk of future clones (10G)')
    .action(async (o) => {
      const req = {
        token: mgmtToken(o),
        config: keyValues('--config', o.config),
        files: files(o.file),
        applianceVersion: o.applianceVersion ?? '',
        vcpus: o.vcpus ? wholeNumber('--vcpus', o.vcpus, 1) : 0,
        memoryMib: o.memory ? mebibytes('--memory', o.memory) : 0,
        diskGib: o.disk ? gibibytes('--disk', o.disk) : 0,
      };
      const r = await k.withClient((c) => c.configureManagementInstance(req));
      k.out(r.management, () => tokenText(r.management));
    });
  m.command('capture')
    .description('capture the management instance into an image (the token is removed from the copy)')
    .addOption(tokenOption())
    .option('--name <name>', "the image's name (default: from the set's)")
    .action(async (o) => {
      const req = { token: mgmtToken(o), name: o.name ?? '' };
      // A capture flattens and uploads a disk: longer than the usual call timeout.
      const r = await k.withClient((c) =>
        c.call<CaptureImageResponse>((md, _o, cb) =>
          c.tokens.CaptureImage(req, md, { deadline: Date.now() + CAPTURE_WAIT_MS }, cb),
        ),
      );
      if (k.quiet()) return void process.stdout.write(`${r.image?.id}\n`);
      k.out(r.image, () => imageText(r.image));
    });
  m.command('end')
    .description('take the token out of the instance and return the VM to its set, unhidden')
    .addOption(tokenOption())
    .action(async (o) => {
      const r = await k.withClient((c) => c.endManagement({ token: mgmtToken(o) }));
      k.out(r.management, () => tokenText(r.management));
    });

  const set = program.commands.find((c) => c.name() === 'set') ?? program.command('set');
  const populate = set
    .command('populate <image>')
    .description('a new set of linked clones of an image (spec fields left out come from the image)')
    .requiredOption('--count <n>', 'how many clones')
    .option('--name <name>', 'set name')
    .option('--tenant <name>', "tenant (the image's)")
    .addOption(
      new Option('--sla <sla>', 'guaranteed or best-effort')
        .choices(['guaranteed', 'best-effort'])
        .default('guaranteed'),
    )
    .option('--vcpus <n>', 'vCPUs per VM (default: the image spec)')
    .option('--memory <size>', 'memory per VM (default: the image spec)')
    .option('--disk <size>', 'disk per VM (default: the image spec)')
    .option('--config <k=v...>', 'appliance settings over the image’s')
    .option('--group <name>', 'only hosts of this virtual group')
    .option('--dry-run', 'print the plan only');
  waitOptions(populate)
    .option('--request-id <id>', 'idempotency key')
    .action(async (image: string, o) => {
      const waitFor = setWaitOf(o);
      const r = await k.withClient(async (c) => {
        const res = await c.populateSet({
          imageId: image,
          count: wholeNumber('--count', o.count, 1),
          request: {
            name: o.name ?? '',
            tenant: o.tenant ?? '',
            count: 0,
            spec: {
              vcpus: o.vcpus ? wholeNumber('--vcpus', o.vcpus, 1) : 0,
              memoryMib: o.memory ? mebibytes('--memory', o.memory) : 0,
              diskGib: o.disk ? gibibytes('--disk', o.disk) : 0,
              config: keyValues('--config', o.config),
            },
            sla: o.sla === 'best-effort' ? 'SLA_BEST_EFFORT' : 'SLA_GUARANTEED',
            group: o.group ?? '',
          },
          dryRun: !!o.dryRun,
          requestId: o.requestId ?? '',
        });
        if (!o.wait || !res.set || o.dryRun) return res;
        return { ...res, set: await waitFor(c, res.set, k.quiet()) };
      });
      if (k.quiet()) return void (r.set && process.stdout.write(`${r.set.id}\n`));
      // Waited for: the set as it is now (as `set create --wait` prints it), not the plan it started from.
      if (o.wait && r.set && !o.dryRun) return k.out(r.set, (v) => setTable([r.set!], v));
      k.out(r, () => `${r.set ? `set ${r.set.id}\n\n` : ''}${r.plan ? planText(r.plan) : ''}`);
    });
  set
    .command('config-table <set>')
    .description("a set's configuration table: its token, image, members and history")
    .action(async (ref: string) => {
      const r = await k.withClient(async (c) => c.getConfigurationTable({ setId: await resolveSet(c, ref) }));
      k.out(r.table, () => tableText(r.table!));
    });
}
