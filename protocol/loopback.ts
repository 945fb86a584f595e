/**
 * Which host names are this machine: the dev proxy refuses to forward to itself, warns when it
 * listens elsewhere, and names the command that starts a local backend. Shared by the CLI, the
 * proxy and the VS Code client, so all three answer alike.
 */

/** A loopback name or address: `localhost`, `127.0.0.0/8`, `::1` (bare or bracketed). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === "localhost" || h === "::1" || h === "[::1]" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** A loopback host or the unspecified address (`0.0.0.0`, `::`), which also reaches this machine. */
export function isThisMachine(host: string): boolean {
  return isLoopbackHost(host) || host === "0.0.0.0" || host === "::" || host === "[::]";
}
