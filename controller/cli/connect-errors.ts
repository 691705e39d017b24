// One line for a failed connection, naming the address and what to check,
// instead of grpc-js internals ("No connection established. Last error: ...").
// Each shape below is one way grpc-js reports a failure; the unit test holds
// the text grpc-js gives for each.
import { status } from '@grpc/grpc-js';

/** Where and how the CLI connects (AdminClient.conn). */
export interface ConnInfo {
  address: string;
  /** The CA file used; undefined with --insecure. */
  caFile?: string;
  insecure: boolean;
  connectTimeoutMs: number;
  callTimeoutMs: number;
}

/** The connection neither came up nor failed within --connect-timeout. */
export class ConnectTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no connection within ${timeoutMs} ms`);
    this.name = 'ConnectTimeout';
  }
}

const CONTROLLER = 'check --controller / NEPHELE_CONTROLLER';

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))}s`;

/** The cause grpc-js buried in `details`, without its wrapping. */
export function lastError(details: string): string {
  return details
    .replace(/^No connection established\. Last error: /, '')
    .replace(/\. Resolution note: .*$/s, '')
    .replace(/^Error: /, '')
    .replace(/ \(\d{4}-\d\d-\d\dT[\d:.]+Z\)$/, '')
    .trim();
}

const hostOf = (address: string) => address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');

/**
 * The message for a connection failure (without the "nephele: " prefix), or
 * undefined when `err` is not one (an answer from the controller: PERMISSION_DENIED, ...).
 */
export function connectionMessage(err: unknown, c: ConnInfo): string | undefined {
  const a = c.address;
  if (err instanceof ConnectTimeout)
    return `no answer from ${a} within ${seconds(err.timeoutMs)} (is the controller running? ${CONTROLLER}, or raise --connect-timeout)`;
  const e = err as { code?: unknown; details?: unknown };
  if (typeof e.code !== 'number' || typeof e.details !== 'string') return undefined;
  if (e.code === status.DEADLINE_EXCEEDED)
    return `the controller at ${a} did not answer within ${seconds(c.callTimeoutMs)} (it may be overloaded or stuck; try again, and check its log)`;
  if (e.code !== status.UNAVAILABLE) return undefined;
  const cause = lastError(e.details);
  if (/Name resolution failed|ENOTFOUND|EAI_AGAIN/.test(cause)) return `cannot resolve ${hostOf(a)} (${CONTROLLER})`;
  if (/ECONNREFUSED/.test(cause)) return `nothing is listening at ${a} (is the controller running? ${CONTROLLER})`;
  if (/EHOSTUNREACH|ENETUNREACH|ETIMEDOUT/.test(cause))
    return `cannot reach ${a}: ${/E[A-Z]+/.exec(cause)![0]} (${CONTROLLER}, and the network between)`;
  if (
    /self[- ]signed certificate|unable to get (local )?issuer certificate|unable to verify the first certificate|certificate signature failure/i.test(
      cause,
    )
  )
    return `cannot verify the controller at ${a} with CA ${c.caFile}: its certificate was not issued by this CA (check --ca-file / NEPHELE_CA)`;
  if (/certificate has expired|certificate is not yet valid/i.test(cause))
    return `cannot verify the controller at ${a}: its certificate ${/expired/.test(cause) ? 'has expired' : 'is not yet valid'} (check the clocks of both machines)`;
  if (/does not match certificate's altnames|Hostname\/IP does not match/i.test(cause))
    return `cannot verify the controller at ${a}: its certificate is not valid for ${hostOf(a)} (dial a name the certificate has, or add this one with \`nephele controller --name\`)`;
  if (
    !c.insecure &&
    /wrong version number|packet length too long|disconnected before secure TLS connection|ECONNRESET/i.test(cause)
  )
    return `${a} does not speak TLS (a controller started with --insecure? then pass --insecure; otherwise ${CONTROLLER})`;
  if (c.insecure && /Protocol error|Failed to connect|Connection dropped|ECONNRESET/i.test(cause))
    return `${a} does not speak plain-text gRPC (a TLS controller? drop --insecure; otherwise ${CONTROLLER})`;
  // Anything else grpc-js says about the connection; an UNAVAILABLE the controller
  // itself answered (a VM's host away, the store alarm) is its own message.
  if (
    /^No connection established|Connection dropped|Failed to connect|Protocol error|ECONN|EPIPE|socket hang up/.test(
      e.details,
    )
  )
    return `cannot reach the controller at ${a}: ${cause} (${CONTROLLER})`;
  return undefined;
}
