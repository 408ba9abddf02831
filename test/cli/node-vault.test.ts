import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { NodeVault } from '../../src/cli/node-vault';
import { VaultError } from '../../src/vault/port';
import { tempVault } from '../support/temp-vault';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function vault() {
  const v = tempVault();
  cleanups.push(v.cleanup);
  return { dir: v.dir, vault: new NodeVault(v.dir) };
}

describe('NodeVault.process', () => {
  it('starts over on the new text when the file changes between its read and its write', async () => {
    const { dir, vault: v } = vault();
    writeFileSync(path.join(dir, 'n.md'), 'one\n');
    let calls = 0;
    const out = await v.process('n.md', (t) => {
      // The person's editor saves while the transform runs.
      if (calls++ === 0) writeFileSync(path.join(dir, 'n.md'), 'one\nthe person typed this\n');
      return `${t}appended\n`;
    });
    expect(calls).toBe(2);
    expect(out).toBe('one\nthe person typed this\nappended\n');
    expect(readFileSync(path.join(dir, 'n.md'), 'utf8')).toBe(out);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('gives up with a clear error, writing nothing, when the file never holds still', async () => {
    const { dir, vault: v } = vault();
    writeFileSync(path.join(dir, 'n.md'), 'x');
    let n = 0;
    const err = await v
      .process('n.md', (t) => {
        writeFileSync(path.join(dir, 'n.md'), `edit ${n++}`);
        return `${t}!`;
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).kind).toBe('changed');
    expect(readFileSync(path.join(dir, 'n.md'), 'utf8')).toBe(`edit ${n - 1}`);
  });

  it('rewrites and creates notes whose names take all 255 bytes (the temp name is cut to fit)', async () => {
    const { dir, vault: v } = vault();
    const name = `${'語'.repeat(84)}.md`; // 255 bytes: the longest name a file system takes
    expect(Buffer.byteLength(name)).toBe(255);
    writeFileSync(path.join(dir, name), 'one\n');
    expect(await v.process(name, (t) => `${t}two\n`)).toBe('one\ntwo\n');
    expect(readFileSync(path.join(dir, name), 'utf8')).toBe('one\ntwo\n');
    const created = `${'é'.repeat(126)}.md`; // 255 bytes, 2-byte characters
    await v.create(created, 'new\n');
    expect(readFileSync(path.join(dir, created), 'utf8')).toBe('new\n');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.endsWith('.held'))).toEqual([]);
  });

  it('keeps a BOM and CRLF byte for byte', async () => {
    const { dir, vault: v } = vault();
    const text = '\uFEFF---\r\na: 1\r\n---\r\nbody\r\n';
    writeFileSync(path.join(dir, 'b.md'), text);
    expect(await v.read('b.md')).toBe(text);
    await v.process('b.md', (t) => `${t}more\r\n`);
    expect(readFileSync(path.join(dir, 'b.md'))).toEqual(Buffer.from(`${text}more\r\n`, 'utf8'));
  });

  it('reads a note that is not valid UTF-8 as "not text", never as replaced characters', async () => {
    const { dir, vault: v } = vault();
    const bad = {
      'latin1.md': Buffer.from('caf\xe9 au lait\n', 'latin1'),
      'surrogate.md': Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x0a]), // an encoded UTF-16 surrogate
      'overlong.md': Buffer.from([0x61, 0xc0, 0xaf, 0x0a]), // "/" in two bytes
      'cut.md': Buffer.from([0x61, 0xe2, 0x82]), // a 3-byte character cut short
    };
    for (const [name, bytes] of Object.entries(bad)) writeFileSync(path.join(dir, name), bytes);
    for (const name of Object.keys(bad)) {
      for (const read of [() => v.read(name), async () => (await v.readWithStat(name)).text]) {
        const err = await read().catch((e: unknown) => e);
        expect(err, name).toBeInstanceOf(VaultError);
        expect((err as VaultError).kind).toBe('not-text');
        expect((err as VaultError).message).toBe(`Not UTF-8 text: ${name}`);
      }
    }
    writeFileSync(path.join(dir, 'ok.md'), '\uFEFFcafé 🚀\n');
    expect(await v.read('ok.md')).toBe('\uFEFFcafé 🚀\n');
  });

  it('refuses paths that leave the vault or enter the config folder', async () => {
    const { vault: v } = vault();
    for (const p of ['../x.md', '/etc/passwd', '.obsidian/app.json', 'a/../../b.md', 'C:\\x.md']) {
      await expect(v.create(p, 'x')).rejects.toThrow(/Refused/);
    }
  });
});
