// The foreign tools whose vocabulary ControlVmNative speaks, and what each of
// their verbs means on a Nephele VM. Read by ListSchemes (native_tool,
// native_verbs) through NATIVE_TOOLS; decide.ts parses the arguments.
//
// Mapping notes (why, where it is not one to one):
// - "destroy" in virsh and xl is a hard power-off of a running domain, NOT a
//   deletion: it maps to a hard stop (stop_hard). Nephele's DestroyVm removes a
//   VM for good; its virsh counterpart, `undefine`, is deliberately not offered.
// - shutdown is a graceful stop (the guest is asked, killed after the agent's
//   stop timeout); `qm stop` and `vmrun stop hard` are hard stops, as in those tools.
// - suspend/pause keep the guest in memory (QEMU stop / SIGSTOP), as virsh suspend does.
// - `xl create <cfg>` starts the existing VM the config file is named after
//   (web-1.cfg → web-1); a new VM is made with `nephele vm create` or ImportVm.
// - `vmrun reset` maps to reboot; the VM path's file name (without .vmx) names the VM.
// - qm's numeric vmids: Nephele VMs have ULIDs; qm takes the VM's name or id instead.
// - Where the tools print numeric domain ids, the answers print the Nephele id (what the
//   verbs take back); virsh's UUID is the id's 128 bits; xl's Time(s) (CPU time) is not kept: '-'.

export type NativeTool = 'virsh' | 'xl' | 'vmrun' | 'qm';

/** Canonical actions: the VmService lifecycle changes (controller/vms/service.ts VM_ACTIONS). */
export type CanonicalAction = 'start' | 'stop' | 'stop_hard' | 'suspend' | 'resume' | 'reboot';

/** What a verb does: a canonical action on one VM, or a query (info on one VM, a listing). */
export type VerbMeaning = CanonicalAction | 'info' | 'list';

export interface ToolVocab {
  /** The Nephele scheme name the tool belongs to. */
  scheme: string;
  /** What ControlVmNative accepts, in the tool's own order of importance. */
  verbs: string[];
}

/** Every verb of every tool and what it means. */
export const VERB_MEANING: Record<NativeTool, Record<string, VerbMeaning>> = {
  virsh: {
    start: 'start',
    shutdown: 'stop',
    destroy: 'stop_hard',
    suspend: 'suspend',
    resume: 'resume',
    reboot: 'reboot',
    dominfo: 'info',
    list: 'list',
  },
  xl: {
    create: 'start',
    shutdown: 'stop',
    destroy: 'stop_hard',
    pause: 'suspend',
    unpause: 'resume',
    reboot: 'reboot',
    list: 'list',
  },
  vmrun: { start: 'start', stop: 'stop', suspend: 'suspend', reset: 'reboot', list: 'list' },
  qm: { start: 'start', stop: 'stop_hard', shutdown: 'stop', suspend: 'suspend', resume: 'resume', status: 'info' },
};

const SCHEME_OF: Record<NativeTool, string> = { virsh: 'libvirt', xl: 'xen', vmrun: 'vmware', qm: 'proxmox' };

/** The verb tables per tool, for ListSchemes (the definitions part reads them through its seam). */
export const NATIVE_TOOLS: Record<NativeTool, ToolVocab> = Object.fromEntries(
  (Object.keys(VERB_MEANING) as NativeTool[]).map((t) => [
    t,
    { scheme: SCHEME_OF[t], verbs: Object.keys(VERB_MEANING[t]) },
  ]),
) as Record<NativeTool, ToolVocab>;

export const TOOLS = Object.keys(NATIVE_TOOLS) as NativeTool[];

/** The tool named by a tool name or by its scheme's name (libvirt → virsh); undefined when neither. */
export function toolNamed(s: string): NativeTool | undefined {
  if (Object.hasOwn(NATIVE_TOOLS, s)) return s as NativeTool;
  return TOOLS.find((t) => NATIVE_TOOLS[t].scheme === s);
}

/** How each tool's usage reads, for help texts and errors. */
export const USAGE: Record<NativeTool, string> = {
  virsh:
    'virsh start|shutdown|destroy|suspend|resume|reboot|dominfo <domain>; virsh list [--all|--inactive] [--name|--uuid]',
  xl: 'xl create <name>[.cfg]; xl shutdown|destroy|pause|unpause|reboot <domain>; xl list [<domain>]',
  vmrun: 'vmrun [-T <type>] start <vmx> [gui|nogui]; stop|suspend|reset <vmx> [hard|soft]; vmrun list',
  qm: 'qm start|stop|shutdown|suspend|resume <vm name or id>; qm status <vm name or id> [--verbose]',
};
