/** The controller's port when an address names none. */
export const DEFAULT_CONTROLLER_PORT = 7443;

/**
 * `host[:port]` with the port filled in when missing ("127.0.0.1" → "127.0.0.1:7443";
 * IPv6 in brackets: "[::1]" → "[::1]:7443"). grpc-js would otherwise dial 443.
 */
export function withDefaultPort(addr: string, port = DEFAULT_CONTROLLER_PORT): string {
  const a = addr.trim();
  if (/^\[[^\]]+\]$/.test(a)) return `${a}:${port}`;
  if (/^\[[^\]]+\]:\d+$/.test(a) || /^[^:[\]]+:\d+$/.test(a)) return a;
  if (!a.includes(':')) return `${a}:${port}`;
  return a; // a bare IPv6 address or a URI scheme: as given
}
