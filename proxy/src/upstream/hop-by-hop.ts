/**
 * Hop-by-hop headers (RFC 9110 §7.6.1): they describe one connection and must not be relayed to the next hop.
 * A client's "Connection: close" must not close the pooled upstream socket, and the upstream's keep-alive terms
 * must not reach the client (Node answers the client's own). http-proxy already drops transfer-encoding and
 * handles upgrades; this is the one list the proxy strips itself, on both directions.
 */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer", "upgrade"] as const;

/** Deletes hop-by-hop headers from a parsed header object in place (cheap when none are present). */
export function stripHopByHop(headers: Record<string, unknown>): void {
  for (let i = 0; i < HOP_BY_HOP.length; i++) if (headers[HOP_BY_HOP[i]!] !== undefined) delete headers[HOP_BY_HOP[i]!];
}

/** Removes hop-by-hop headers from an outgoing request that was built from the client's headers. */
export function removeHopByHop(out: { removeHeader(name: string): void }, incoming: Record<string, unknown>): void {
  for (let i = 0; i < HOP_BY_HOP.length; i++) if (incoming[HOP_BY_HOP[i]!] !== undefined) out.removeHeader(HOP_BY_HOP[i]!);
}
