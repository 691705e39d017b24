// `nephele-agent exec [--data-dir DIR] [--timeout SECONDS] VM -- ARGV...`: runs ARGV
// inside VM through the local agent's control socket (see control.ts) and exits
// with the command's exit code, its output on stdout.
import { join, resolve } from 'node:path';
import { CONTROL_SOCKET, controlExec } from './control.js';

const USAGE = 'usage: nephele-agent exec [--data-dir DIR] [--timeout SECONDS] VM -- COMMAND [ARG...]';

export interface ExecArgs {
  dataDir: string;
  vm: string;
  argv: string[];
  timeoutMs: number;
}

/** Parses the words after `exec`; throws with the usage on anything else. */
export function parseExecArgs(words: string[], env: NodeJS.ProcessEnv): ExecArgs {
  let dataDir = env.NEPHELE_DATA_DIR || '/var/lib/nephele-agent';
  let timeoutMs = 30_000;
  let vm = '';
  let i = 0;
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') break;
    if (w === '--data-dir' && i + 1 < words.length) dataDir = words[++i]!;
    else if (w === '--timeout' && i + 1 < words.length) {
      const s = Number(words[++i]);
      if (!Number.isInteger(s) || s < 1 || s > 120) throw new Error(`--timeout: 1..120 seconds\n${USAGE}`);
      timeoutMs = s * 1000;
    } else if (!w.startsWith('-') && !vm) vm = w;
    else throw new Error(USAGE);
  }
  const argv = words.slice(i + 1);
  if (!vm || i >= words.length || argv.length === 0) throw new Error(USAGE);
  return { dataDir: resolve(dataDir), vm, argv, timeoutMs };
}

export async function execMain(words: string[]): Promise<number> {
  let a: ExecArgs;
  try {
    a = parseExecArgs(words, process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  try {
    const r = await controlExec(join(a.dataDir, CONTROL_SOCKET), { vm: a.vm, argv: a.argv, timeoutMs: a.timeoutMs });
    process.stdout.write(r.output);
    return r.exitCode;
  } catch (e) {
    process.stderr.write(`nephele-agent exec: ${(e as Error).message}\n`);
    return 1;
  }
}
