import { readFileSync } from 'node:fs';
import { readStat } from '../proc.js';

// /proc readers only the process driver needs; identity, CPU and memory come from ../proc.ts.

/** One-letter process state (R, S, T, Z ...) or '' if gone. */
export function procState(pid: number): string {
  return readStat(pid)?.state ?? '';
}

export function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function ioBytes(pid: number): { read: number; write: number } {
  try {
    const s = readFileSync(`/proc/${pid}/io`, 'utf8');
    return { read: Number(/read_bytes: (\d+)/.exec(s)?.[1] ?? 0), write: Number(/write_bytes: (\d+)/.exec(s)?.[1] ?? 0) };
  } catch {
    return { read: 0, write: 0 };
  }
}
