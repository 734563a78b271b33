/** Where the clients of a run come from: the client processes they are spread over and the source addresses they bind. */

/**
 * One source address and one destination (the server's address and port) leave a client the ephemeral port range
 * (net.ipv4.ip_local_port_range: 32768–60999 by default, about 28,000 ports): beyond that, connect() fails with
 * EADDRNOTAVAIL. Every address of 127.0.0.0/8 is the loopback on Linux, so a fleet larger than one address can
 * serve binds its clients round-robin to several of 127.0.0.2 … 127.0.0.254; a smaller one leaves the choice to
 * the kernel.
 */

/**
 * Connections per source address. Binding a source address means bind() with port 0, which must find a port free
 * on that address alone: the kernel searches half the range first, and a connection closed in the last minute
 * still holds its port (TIME_WAIT). Measured on this project's machine (Linux 6.18): up to about 6,000 ports taken
 * on one address a bind costs microseconds; past that 1 to 4 ms, each, on the client process's event loop, so a
 * process opening 12,500 connections stalls for tens of seconds. 4,000 stays clear of that.
 */
export const CONNECTIONS_PER_SOURCE_ADDRESS = 4_000;

/** The addresses spread over: 127.0.0.2 … 127.0.0.254. */
const FIRST_SOURCE_HOST = 2;
export const MAX_SOURCE_ADDRESSES = 253;

/** How many source addresses a run of `clients` clients spreads over: 1 means the kernel's choice. */
export function sourceAddressCount(clients: number, perAddress = CONNECTIONS_PER_SOURCE_ADDRESS): number {
  return Math.min(MAX_SOURCE_ADDRESSES, Math.max(1, Math.ceil(clients / perAddress)));
}

/**
 * The source addresses the clients of a run bind, client i the address at i modulo their number; none when one
 * address is enough (the kernel chooses). They are the addresses with the fewest ports taken now (`portsInUse`,
 * by address, read only when more than one address is needed): a run just before, of this bench or another,
 * leaves its connections' ports in TIME_WAIT for a minute, and binding beside them is as slow as binding beside
 * live ones. Ties go to the lowest address.
 */
export function sourceAddresses(
  clients: number,
  portsInUse: () => ReadonlyMap<string, number> = () => new Map(),
  perAddress = CONNECTIONS_PER_SOURCE_ADDRESS,
): string[] {
  const count = sourceAddressCount(clients, perAddress);
  if (count === 1) return [];
  const uses = portsInUse();
  const all = Array.from({ length: MAX_SOURCE_ADDRESSES }, (_, i) => `127.0.0.${FIRST_SOURCE_HOST + i}`);
  // A stable sort: among addresses equally free, the lower first.
  return all.sort((a, b) => (uses.get(a) ?? 0) - (uses.get(b) ?? 0)).slice(0, count);
}

/** The source address client `index` binds, of the run's `addresses` (sourceAddresses); undefined for the kernel's choice. */
export function sourceAddressOf(index: number, addresses: readonly string[]): string | undefined {
  return addresses.length === 0 ? undefined : addresses[index % addresses.length];
}

/**
 * Clients per client process when the plan does not say: 2,500 sockets (and as many through a proxy) stay far
 * below the open-file limit, and four processes for 10,000 clients share the load-generating CPU.
 */
export const CLIENTS_PER_PROCESS = 2_500;
