// nephele native: a foreign tool's vocabulary (virsh, xl, vmrun, qm) on Nephele VMs.
import type { Command } from 'commander';
import type { ControlVmNativeResponse__Output as Res } from '../../../common/gen/nephele/v1/ControlVmNativeResponse.js';
import { quoteArgv } from '../../schemes/native/argv.js';
import { NATIVE_TOOLS, TOOLS, USAGE } from '../../schemes/native/vocab.js';
import type { CliKit } from '../kit.js';

const HELP = `
Tools and verbs (each answers in its own output style):
${TOOLS.map((t) => `  ${t.padEnd(6)} (${NATIVE_TOOLS[t].scheme}): ${USAGE[t]}`).join('\n')}

A VM is named by its name (unique among the VMs you may see), its id, or (virsh)
the UUID virsh list --uuid / dominfo show. qm's numeric vmids do not exist here:
give the VM's name or id where qm takes a vmid. vmrun takes the .vmx path vmrun
list prints (/nephele/<tenant>/<name>.vmx) or any path ending in <name>.vmx;
xl create takes <name>.cfg and starts that existing VM.

Mapping: shutdown = graceful stop; virsh/xl destroy, qm stop and vmrun stop hard
= hard power-off (the VM is kept; deleting it is \`nephele vm destroy\`, and
virsh undefine is not offered); suspend/pause keep the guest in memory;
vmrun reset = reboot. Actions are answered once the change is recorded; the
VM's host carries it out right after (watch it with dominfo/status/list).

Options the tool shares with nephele (-q, -o) go after \`--\`:
  nephele native -- virsh -q list --all
Exit codes: 0 done; 1 refused or failed, with the reason on stderr.`;

export function registerNativeCommands(program: Command, k: CliKit): void {
  program
    .command('native')
    .description("control VMs with a foreign tool's commands: virsh, xl, vmrun, qm (no shell runs)")
    .argument('<tool>', TOOLS.join(' | '))
    .argument('[args...]', "the tool's command and its arguments")
    .option('--request-id <id>', 'idempotency key: a repeated action with it is not done twice')
    .allowUnknownOption()
    .addHelpText('after', HELP)
    .action(async (tool: string, args: string[], o: { requestId?: string }) => {
      const r: Res = await k.withClient((c) =>
        c.controlVmNative({ scheme: tool, command: quoteArgv(args), requestId: o.requestId ?? '' }),
      );
      // The tool's own text as is; -o json/yaml the whole answer; -o name the VMs it concerned.
      const f = k.format();
      if (f === 'table' || f === 'wide') process.stdout.write(r.output);
      else k.out(f === 'name' ? r.vmIds.map((id) => ({ id })) : r, () => r.output);
    });
}
