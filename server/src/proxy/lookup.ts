/**
 * Name lookup for upstream connections: Vite's dev server listens on `localhost`, which may be
 * `::1` only (Node 17+), and uvicorn on `127.0.0.1` only, so `localhost` always yields both
 * loopback addresses and the connection tries each (`autoSelectFamily`).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** `dns.lookup`, except that `localhost` always yields both loopback addresses (resolver's order first). */
export function loopbackLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  if (hostname.toLowerCase() !== "localhost") return void dnsLookup(hostname, options, callback as never);
  dnsLookup(hostname, { ...options, all: true }, (err, found: LookupAddress[]) => {
    const list = err ? [] : found.filter((a) => a.address === "127.0.0.1" || a.address === "::1");
    for (const a of [{ address: "::1", family: 6 }, { address: "127.0.0.1", family: 4 }]) if (!list.some((x) => x.address === a.address)) list.push(a);
    if (options.all) callback(null, list);
    else callback(null, list[0].address, list[0].family);
  });
}
