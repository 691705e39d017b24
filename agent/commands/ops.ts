// What each AgentCommand does to one VM through its driver (management
// instances). The dispatcher (dispatch.ts) checks, queues and serializes;
// these only act. A token is passed to the driver and never logged or kept.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentCommand__Output as AgentCommand } from '../../common/gen/nephele/v1/AgentCommand.js';
import type { ApplyConfig__Output as ApplyConfig } from '../../common/gen/nephele/v1/ApplyConfig.js';
import type { CommandResult } from '../../common/gen/nephele/v1/CommandResult.js';
import { ImageFormatEnum } from '../../common/grpc/convert.js';
import { CONFIG_KEY_RE, CONFIG_MAX_ENTRIES, CONFIG_VALUE_MAX, MANIFEST_MAX_BYTES } from '../../common/limits.js';
import type { ConfigApply, Driver } from '../drivers/driver.js';
import { performApp, type AppDeps } from './app.js';
import { probe, probePath, probeTimeout } from './probe.js';

/** The VM a command acts on, as the runner knows it. */
export interface CommandVm {
  driver: Driver;
  /** The generation of the controller's desired state for this VM. */
  generation: number;
  hostPort: number;
}

export interface OpDeps extends Pick<AppDeps, 'poll'> {
  /** Where captures are written before their upload (the agent's data dir). */
  captureDir: string;
  /** Runs `fn` while the runner does nothing else to the VM (its per-VM lock). */
  withVm<T>(vmId: string, fn: () => Promise<T>): Promise<T>;
  /** PutImage: uploads the file under the transfer id; resolves with what the controller stored. */
  upload(transferId: string, path: string): Promise<{ sha256: string; sizeBytes: number }>;
}

export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}

const TOKEN_RE = /^[\x21-\x7e]{16,256}$/;
const TRANSFER_RE = /^[A-Za-z0-9_-]{1,64}$/;
const FILE_PATH_RE = /^[A-Za-z0-9._/-]{1,128}$/;
export const CONFIG_FILES_MAX = 32;
export const CONFIG_FILE_MAX_BYTES = 64 * 1024;
const VERSION_RE = /^[A-Za-z0-9._+-]{0,64}$/;

function need<K extends keyof Driver>(d: Driver, k: K): NonNullable<Driver[K]> {
  const f = d[k];
  if (typeof f !== 'function') throw new CommandError(`the ${d.scheme} driver has no management instances`);
  return (f as (...a: unknown[]) => unknown).bind(d) as NonNullable<Driver[K]>;
}

/** The change as the driver takes it, checked (names the field at fault). */
export function configApply(c: ApplyConfig): ConfigApply {
  const config = c.config ?? {};
  const keys = Object.keys(config);
  if (keys.length > CONFIG_MAX_ENTRIES) throw new CommandError(`configure.config: at most ${CONFIG_MAX_ENTRIES} keys`);
  for (const k of keys) {
    if (!CONFIG_KEY_RE.test(k)) throw new CommandError('configure.config: a key is not [a-z0-9_-]{1,32}');
    if (String(config[k]).length > CONFIG_VALUE_MAX)
      throw new CommandError(`configure.config.${k}: at most ${CONFIG_VALUE_MAX} characters`);
  }
  const files = c.files ?? [];
  if (files.length > CONFIG_FILES_MAX) throw new CommandError(`configure.files: at most ${CONFIG_FILES_MAX}`);
  const seen = new Set<string>();
  const out = files.map((f, i) => {
    const p = f.path;
    if (!FILE_PATH_RE.test(p) || p.startsWith('/') || p.split('/').some((s) => s === '..' || s === '' || s === '.'))
      throw new CommandError(`configure.files[${i}].path must be a relative path of [A-Za-z0-9._/-] without ..`);
    if (seen.has(p)) throw new CommandError(`configure.files[${i}].path is given twice`);
    seen.add(p);
    const content = Buffer.from(f.content ?? []);
    if (content.length > CONFIG_FILE_MAX_BYTES)
      throw new CommandError(`configure.files[${i}].content: at most ${CONFIG_FILE_MAX_BYTES} bytes`);
    // No setuid/setgid/sticky bits, and the owner can always read it.
    const mode = f.mode ? (f.mode & 0o777) | 0o400 : 0o644;
    return { path: p, content, mode };
  });
  if (!VERSION_RE.test(c.applianceVersion ?? ''))
    throw new CommandError('configure.appliance_version must be at most 64 of [A-Za-z0-9._+-]');
  return { config: { ...config }, files: out, applianceVersion: c.applianceVersion ?? '' };
}

/** Performs one checked command on its VM; throws CommandError (or the driver's error) on failure. */
export async function perform(cmd: AgentCommand, vm: CommandVm, deps: OpDeps): Promise<Partial<CommandResult>> {
  const d = vm.driver;
  const id = cmd.vmId;
  switch (cmd.op) {
    case 'tokenPut': {
      const token = cmd.tokenPut?.token ?? '';
      if (!TOKEN_RE.test(token)) throw new CommandError('token_put.token must be 16 to 256 printable characters');
      await deps.withVm(id, () => need(d, 'tokenPut')(id, token));
      return {};
    }
    case 'tokenCheck':
      return { tokenSha256: await deps.withVm(id, () => need(d, 'tokenHash')(id)) };
    case 'tokenRemove':
      await deps.withVm(id, () => need(d, 'tokenRemove')(id));
      return {};
    case 'configure': {
      const change = configApply(cmd.configure ?? { config: {}, files: [], applianceVersion: '' });
      await deps.withVm(id, () => need(d, 'configure')(id, change));
      return {};
    }
    case 'capture':
      return capture(cmd, vm, deps);
    case 'probe': {
      const p = cmd.probe ?? { path: '', expect: '', timeoutMs: 0 };
      const path = probePath(p.path);
      if (p.expect.length > 256) throw new CommandError('probe.expect: at most 256 characters');
      if (!vm.hostPort) throw new CommandError('the vm has no host port to probe');
      const a = await probe(vm.hostPort, path, p.expect, probeTimeout(p.timeoutMs));
      return { ok: a.ok, error: a.error, httpStatus: a.httpStatus, detail: a.detail };
    }
    case 'app':
      return performApp(cmd, d, deps);
    case 'readManifest': {
      const text = await deps.withVm(id, () => need(d, 'readManifest')(id));
      // The driver bounds what it reads; checked again so no driver can send more.
      if (Buffer.byteLength(text) > MANIFEST_MAX_BYTES)
        throw new CommandError(`the manifest is larger than ${MANIFEST_MAX_BYTES} bytes`);
      return { manifestJson: text };
    }
    default:
      throw new CommandError('command has no operation');
  }
}

/**
 * Capture under the VM's lock (no stop or destroy meanwhile), the upload after
 * it (the VM runs on while its copy travels). The copy is removed either way.
 */
async function capture(cmd: AgentCommand, vm: CommandVm, deps: OpDeps): Promise<Partial<CommandResult>> {
  const transferId = cmd.capture?.transferId ?? '';
  if (!TRANSFER_RE.test(transferId)) throw new CommandError('capture.transfer_id must be 1 to 64 of [A-Za-z0-9_-]');
  const captureFn = need(vm.driver, 'capture');
  mkdirSync(deps.captureDir, { recursive: true, mode: 0o700 });
  const out = join(deps.captureDir, `${transferId}.capture`);
  try {
    const r = await deps.withVm(cmd.vmId, () => captureFn(cmd.vmId, out));
    const up = await deps.upload(transferId, out);
    if (up.sha256 && up.sha256 !== r.sha256)
      throw new CommandError('the controller stored a different sha256 than the capture has');
    return {
      sha256: r.sha256,
      sizeBytes: r.sizeBytes,
      format: ImageFormatEnum.toProto(r.format),
      detail: r.proof.slice(0, 1024),
    };
  } finally {
    rmSync(out, { force: true });
    rmSync(`${out}.tmp`, { force: true });
  }
}

/** Removes captures a crashed agent left behind (they were never answered, so the controller failed them). */
export function sweepCaptures(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}
