/**
 * Which network addresses a fetched URL may not reach: the person's own machine and networks
 * (loopback, private, link-local, unique-local, CGNAT, unspecified). Pure: the caller resolves
 * names; this only reads addresses, in every form the URL parser or a resolver hands over
 * (dotted IPv4, IPv6 with an embedded or mapped IPv4, zone ids).
 */

export type PrivateKind = 'loopback' | 'private' | 'link-local' | 'unique-local' | 'carrier-grade NAT' | 'unspecified' | 'multicast' | 'reserved';

/** Four octets of a dotted IPv4 address, or null. The URL parser already turns 2130706433, 0x7f.1 and 0177.0.0.1 into dotted form. */
export function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out.push(n);
  }
  return out;
}

/** Eight 16-bit groups of an IPv6 address (brackets, zone id and an embedded IPv4 allowed), or null. */
export function parseIPv6(text: string): number[] | null {
  let t = text.replace(/^\[|\]$/g, '');
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  if (!t.includes(':')) return null;
  let tail: number[] = [];
  const lastColon = t.lastIndexOf(':');
  const last = t.slice(lastColon + 1);
  if (last.includes('.')) {
    const v4 = parseIPv4(last);
    if (!v4) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    t = `${t.slice(0, lastColon + 1)}${tail.length ? '0:0' : ''}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const group = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  if (!head || !rest) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...rest];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups;
}

function ipv4Kind(o: number[]): PrivateKind | null {
  const [a, b] = [o[0]!, o[1]!];
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 169 && b === 254) return 'link-local';
  if (a === 100 && b >= 64 && b <= 127) return 'carrier-grade NAT';
  // 192.0.0.0/24 (IETF protocol assignments), 198.18.0.0/15 (benchmarking): never a public site.
  if ((a === 192 && b === 0 && o[2] === 0) || (a === 198 && (b === 18 || b === 19))) return 'reserved';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  return null;
}

function ipv6Kind(g: number[]): PrivateKind | null {
  const zeroTo = (n: number): boolean => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && g[7] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) carry an IPv4 address that is what gets reached.
  const embedded = [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff];
  if ((zeroTo(5) && g[5] === 0xffff) || zeroTo(6) || (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0))) {
    return ipv4Kind(embedded) ?? null;
  }
  // 6to4 (2002:a.b.c.d::/48) names an IPv4 address in its second and third groups.
  if (g[0] === 0x2002) return ipv4Kind([g[1]! >> 8, g[1]! & 0xff, g[2]! >> 8, g[2]! & 0xff]);
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  // Site-local (deprecated, still routed inside some networks).
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  return null;
}

/** What kind of non-public address this is, or null for a public one (or text that is no address). */
export function privateAddressKind(address: string): PrivateKind | null {
  const v4 = parseIPv4(address);
  if (v4) return ipv4Kind(v4);
  const v6 = parseIPv6(address);
  if (v6) return ipv6Kind(v6);
  return null;
}

export function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== null || parseIPv6(host) !== null;
}

/** Names that mean this machine whatever DNS says (RFC 6761): `localhost`, `*.localhost`, with or without the root dot. */
export function isLocalHostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.+$/, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.localdomain' || h === 'ip6-localhost' || h === 'ip6-loopback';
}
