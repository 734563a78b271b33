/** Where the clients of a run come from: the client processes they are spread over and the source addresses they bind. */

/**
 * One source address and one destination (the server's address and port) leave a client the ephemeral port range
 * (net.ipv4.ip_local_port_range: 32768–60999 by default, about 28,000 ports): beyond that, connect() fails with
 * EADDRNOTAVAIL. Every address of 127.0.0.0/8 is the loopback on Linux, so a fleet larger than one address can
 * serve binds its clients round-robin to 127.0.0.2, 127.0.0.3, …; a smaller one leaves the choice to the kernel.
 */

/** Connections per source address: below the default range, with room for connections closing (TIME_WAIT). */
export const CONNECTIONS_PER_SOURCE_ADDRESS = 20_000;

/** The most source addresses spread over (127.0.0.2 … 127.0.0.254). */
export const MAX_SOURCE_ADDRESSES = 253;

/** How many source addresses a run of `clients` clients spreads over: 1 means the kernel's choice. */
export function sourceAddressCount(clients: number, perAddress = CONNECTIONS_PER_SOURCE_ADDRESS): number {
  return Math.min(MAX_SOURCE_ADDRESSES, Math.max(1, Math.ceil(clients / perAddress)));
}

/** The source address client `index` of a run of `clients` binds, or undefined when one address is enough. */
export function sourceAddressOf(index: number, clients: number, perAddress = CONNECTIONS_PER_SOURCE_ADDRESS): string | undefined {
  const count = sourceAddressCount(clients, perAddress);
  return count === 1 ? undefined : `127.0.0.${2 + (index % count)}`;
}

/**
 * Clients per client process when the plan does not say: 2,500 sockets (and as many through a proxy) stay far
 * below the open-file limit, and four processes for 10,000 clients share the load-generating CPU.
 */
export const CLIENTS_PER_PROCESS = 2_500;
