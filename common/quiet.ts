// grpc-js sets the TLS servername to the target even when it is an IP address,
// and Node warns (DEP0123) on every connection. Certificate checks are not
// affected (our certificates carry IP SANs), so drop just that warning.
const emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0123') return;
  (emit as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
export {};
