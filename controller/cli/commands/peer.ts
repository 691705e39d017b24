// nephele peer: controllers this one pushes usage to (their federation tokens are never shown).
import { existsSync, readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import type { AddPeerRequest } from '../../../common/gen/nephele/v1/AddPeerRequest.js';
import { CliError } from '../client.js';
import { table, when } from '../format.js';
import type { CliKit } from '../kit.js';

/**
 * `peer add ... --token T`: the global --token (this controller's API token)
 * has the same spelling, and commander hands every --token to the global
 * option. So the command line is read here: a --token after `peer add` is the
 * peer's, one before `peer` is ours (or NEPHELE_TOKEN, as without it).
 */
export function splitTokenFlags(argv: string[]): { ours?: string; peers?: string } {
  const at = argv.findIndex((a, i) => a === 'peer' && argv[i + 1] === 'add');
  const out: { ours?: string; peers?: string } = {};
  argv.forEach((a, i) => {
    const v = a === '--token' ? argv[i + 1] : a.startsWith('--token=') ? a.slice('--token='.length) : undefined;
    if (v === undefined) return;
    if (at >= 0 && i > at + 1) out.peers = v;
    else out.ours = v;
  });
  return out;
}

function readFileArg(flag: string, path: string): string {
  if (!existsSync(path)) throw new CliError(`${flag}: no file at ${path}`);
  return readFileSync(path, 'utf8').trim();
}

export function registerPeerCommands(program: Command, k: CliKit): void {
  const peer = program.command('peer').description('peer controllers this one pushes usage to');
  peer
    .command('add <name> <address>')
    .description('add a peer controller: its CA and a federation token of it (which may only import usage there)')
    .requiredOption('--ca <file>', "the peer's CA certificate (PEM): its server certificate must chain to it")
    .option('--token <token>', "the peer's federation token (prefer --peer-token-file or NEPHELE_PEER_TOKEN)")
    .option('--peer-token-file <file>', "read the peer's federation token from this file")
    .addOption(new Option('--peer-token <token>', "the peer's federation token (as --token)").env('NEPHELE_PEER_TOKEN'))
    .option('--request-id <id>', 'idempotency key')
    .action(async (name: string, address: string, o) => {
      const flags = splitTokenFlags(process.argv.slice(2));
      if (flags.peers !== undefined) {
        // Not this controller's token: put back what --token meant before `peer add` (or the environment).
        const ours = flags.ours ?? process.env.NEPHELE_TOKEN;
        program.setOptionValueWithSource('token', ours, ours === undefined ? 'default' : 'cli');
      }
      const token = flags.peers ?? (o.peerTokenFile ? readFileArg('--peer-token-file', o.peerTokenFile) : o.peerToken);
      if (!token) throw new CliError('the peer token is required: --token, --peer-token-file or NEPHELE_PEER_TOKEN');
      const req: AddPeerRequest = {
        name,
        address,
        caPem: readFileArg('--ca', o.ca),
        token,
        requestId: o.requestId ?? '',
      };
      const r = await k.withClient((c) => c.addPeer(req));
      k.out(r.peer, () => `peer ${r.peer?.name} added (${r.peer?.address}, CA sha256 ${r.peer?.caFingerprint})`);
    });
  peer
    .command('ls')
    .description('list peers (never their tokens)')
    .action(async () => {
      const r = await k.withClient((c) => c.listPeers({}));
      k.out(r.peers, (v) =>
        table(
          ['NAME', 'ADDRESS', 'CA-SHA256', 'LAST-PUSH', 'PUSHED', 'STATUS'],
          r.peers.map((p) => [
            p.name,
            p.address,
            p.caFingerprint,
            p.lastPushUnixMs ? when(p.lastPushUnixMs) : '-',
            p.pushedRecords,
            p.lastStatus || '-',
          ]),
          v,
        ),
      );
    });
  peer
    .command('rm <name>')
    .description('remove a peer (its token is deleted with it)')
    .option('--request-id <id>', 'idempotency key')
    .action(async (name: string, o) => {
      await k.withClient((c) => c.removePeer({ name, requestId: o.requestId ?? '' }));
      k.out({ name, removed: true }, () => `removed peer ${name}`);
    });
}
