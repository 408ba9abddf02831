import { describe, expect, it } from 'vitest';
import { isLocalHostName, privateAddressKind } from '../../src/core/addresses';
import { checkAddress } from '../../src/sources/address-policy';

/** The host as the URL parser hands it over, for every way of writing an address. */
const hostOf = (url: string): string => new URL(url).hostname;

describe('private addresses, in every form', () => {
  const refused: Array<[string, string]> = [
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.1/', 'loopback'],
    ['http://2130706433/', 'loopback'],
    ['http://0x7f000001/', 'loopback'],
    ['http://0177.0.0.1/', 'loopback'],
    ['http://0x7f.0.0.1/', 'loopback'],
    ['http://[::1]/', 'loopback'],
    ['http://[0:0:0:0:0:0:0:1]/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:7f00:1]/', 'loopback'],
    ['http://[::127.0.0.1]/', 'loopback'],
    ['http://[64:ff9b::7f00:1]/', 'loopback'],
    ['http://[2002:7f00:1::]/', 'loopback'],
    ['http://10.1.2.3/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.255/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://3232235777/', 'private'],
    ['http://[::ffff:192.168.1.1]/', 'private'],
    ['http://169.254.169.254/', 'link-local'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fd00::1]/', 'unique-local'],
    ['http://[fc12:3456::1]/', 'unique-local'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://100.127.255.254/', 'carrier-grade NAT'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://255.255.255.255/', 'reserved'],
  ];
  it.each(refused)('%s is %s', (url, kind) => {
    expect(privateAddressKind(hostOf(url))).toBe(kind);
  });

  const publicOnes = ['http://8.8.8.8/', 'http://172.32.0.1/', 'http://100.128.0.1/', 'http://[2606:4700::1111]/', 'http://[::ffff:8.8.8.8]/', 'http://example.com/', 'http://11.0.0.1/'];
  it.each(publicOnes)('%s is public', (url) => {
    expect(privateAddressKind(hostOf(url))).toBeNull();
  });

  it('localhost names mean this machine, whatever DNS says', () => {
    for (const h of ['localhost', 'LOCALHOST', 'localhost.', 'a.b.localhost', 'ip6-localhost']) expect(isLocalHostName(h), h).toBe(true);
    for (const h of ['localhost.example.com', 'mylocalhost', 'example.com']) expect(isLocalHostName(h), h).toBe(false);
  });
});

describe('the address policy', () => {
  const resolveHost = (table: Record<string, string[]>) => (h: string) => Promise.resolve(table[h] ?? []);

  it('refuses literal private addresses and localhost names without any resolver (the plugin)', async () => {
    for (const u of ['http://127.0.0.1:8080/x', 'http://[::ffff:10.0.0.1]/', 'http://localhost/', 'http://LocalHost./a', 'http://2130706433/']) {
      expect(await checkAddress(u, {}), u).toMatch(/^refused: /);
    }
    // Without a resolver a name cannot be checked: the limit of the plugin, documented.
    expect(await checkAddress('http://intranet.example/', {})).toBeNull();
  });

  it('checks every address a name resolves to', async () => {
    const policy = { resolveHost: resolveHost({ 'evil.example': ['93.184.216.34', '127.0.0.1'], 'ok.example': ['93.184.216.34', '2606:2800::1'], 'v6.example': ['fd00::5'] }) };
    expect(await checkAddress('https://evil.example/page', policy)).toBe('refused: evil.example resolves to 127.0.0.1, a loopback address (allow it with --allow-host evil.example or the plugin\'s allowed hosts setting)');
    expect(await checkAddress('https://v6.example/', policy)).toMatch(/unique-local/);
    expect(await checkAddress('https://ok.example/', policy)).toBeNull();
  });

  it('an allowed host is fetched; only that host', async () => {
    const policy = { allowHosts: ['wiki.lan', '127.0.0.1'], resolveHost: resolveHost({ 'wiki.lan': ['192.168.1.5'], 'nas.lan': ['192.168.1.6'] }) };
    expect(await checkAddress('http://wiki.lan/page', policy)).toBeNull();
    expect(await checkAddress('http://WIKI.LAN./page', policy)).toBeNull();
    expect(await checkAddress('http://127.0.0.1:9000/x', policy)).toBeNull();
    expect(await checkAddress('http://nas.lan/', policy)).toMatch(/^refused/);
    expect(await checkAddress('http://127.0.0.2/', policy)).toMatch(/^refused/);
  });

  it('the configured endpoints are exempt exactly, not other paths of their hosts', async () => {
    const policy = { exemptUrls: ['http://127.0.0.1:11434/v1', 'http://127.0.0.1:8888/search?token=t'] };
    expect(await checkAddress('http://127.0.0.1:11434/v1', policy)).toBeNull();
    expect(await checkAddress('http://127.0.0.1:8888/search?token=t', policy)).toBeNull();
    expect(await checkAddress('http://127.0.0.1:11434/v1/models', policy)).toMatch(/^refused/);
    expect(await checkAddress('http://127.0.0.1:8888/admin', policy)).toMatch(/^refused/);
    expect(await checkAddress('http://127.0.0.1:8888/search', policy)).toMatch(/^refused/);
  });
});
