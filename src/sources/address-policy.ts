import { isIpLiteral, isLocalHostName, privateAddressKind } from '../core/addresses';
import { normalizeUrl } from './urls';

/**
 * Which hosts a fetch of a URL from a note, a search result or a redirect may reach. The
 * person's own machine and networks are refused unless the person allowed that host; the
 * endpoints the person configured (model, search) are exempt exactly, never other paths of
 * their hosts. Names are checked after DNS resolution where the shell can resolve (the CLI);
 * where it cannot (Obsidian has no DNS API), literal addresses and localhost names still are.
 */
export interface AddressPolicy {
  /** Hosts the person allowed although their address is private (lowercase names or addresses). */
  allowHosts?: readonly string[];
  /** URLs exempt exactly: the configured model and search endpoints. */
  exemptUrls?: readonly string[];
  /** The host's addresses; without it only literal addresses and localhost names are checked. */
  resolveHost?: (host: string) => Promise<string[]>;
}

/** URL host names come bracketed for IPv6 and may end in the root dot. */
function bareHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
}

export function isAllowedHost(hostname: string, allowHosts: readonly string[] = []): boolean {
  const host = bareHost(hostname);
  return allowHosts.some((h) => bareHost(h) === host);
}

function exempt(url: string, exemptUrls: readonly string[] = []): boolean {
  const want = normalizeUrl(url);
  return want !== null && exemptUrls.some((e) => normalizeUrl(e.trim()) === want);
}

const allowHint = (host: string): string => ` (allow it with --allow-host ${host} or the plugin's allowed hosts setting)`;

/**
 * Null when the URL's host may be reached, else the plain reason it is refused. A name that does
 * not resolve is left to the fetch, which then fails with its own reason.
 */
export async function checkAddress(url: string, policy: AddressPolicy): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (exempt(url, policy.exemptUrls)) return null;
  const host = bareHost(u.hostname);
  if (isAllowedHost(host, policy.allowHosts)) return null;
  if (isLocalHostName(host)) return `refused: ${host} is this machine${allowHint(host)}`;
  if (isIpLiteral(host)) {
    const kind = privateAddressKind(host);
    return kind ? `refused: ${host} is a ${kind} address${allowHint(host)}` : null;
  }
  if (!policy.resolveHost) return null;
  let addresses: string[];
  try {
    addresses = await policy.resolveHost(host);
  } catch {
    return null;
  }
  for (const a of addresses) {
    const kind = privateAddressKind(a);
    // Every address counts: a name with one public and one private address could connect to either.
    if (kind) return `refused: ${host} resolves to ${a}, a ${kind} address${allowHint(host)}`;
  }
  return null;
}
