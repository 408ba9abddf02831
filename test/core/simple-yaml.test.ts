import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as YAML from 'yaml';
import { simpleFrontmatter } from '../../src/core/simple-yaml';
import { YAML_READ_OPTIONS } from '../../src/core/frontmatter';

const yamlRead = (s: string): unknown => YAML.parse(s, YAML_READ_OPTIONS);

describe('the fast frontmatter path', () => {
  it('reads the common shapes exactly as yaml does', () => {
    const cases = [
      'groundwork: domain\nconfidence: low\n',
      'domain: "[[LoRA fine-tuning]]"\nconfidence: High\ncritical: true\n',
      'signed-off: 2026-11-20\nsigned-off-distillate: sha256:bc09bdf6b660\n',
      'tags: [ml, "a b", 3]\ndomain:\n  - "[[K8s]]"\n  - "[[Other]]"\nempty:\n',
      'tokens: 0\nratio: 1.5\nneg: -3\nnothing: ~\ngenerated: 2026-11-18T10:02:11.000Z\n',
      "title: He said \"hi\"\nquote: 'it''s'\n",
      '\r\na: 1\r\nb: two words\r\n',
      '# a comment\nstatus: draft\n',
    ];
    for (const c of cases) {
      const fast = simpleFrontmatter(c);
      if (fast !== null) expect(fast).toEqual(yamlRead(c));
    }
    expect(simpleFrontmatter(cases[1]!)).not.toBeNull();
    expect(simpleFrontmatter(cases[3]!)).not.toBeNull();
  });

  it('declines what it does not fully understand', () => {
    for (const c of [
      'a: 1\na: 2\n',
      'a: [unclosed\n',
      'a:\n  b: 1\n',
      'a: b # comment\n',
      'a: &x 1\nb: *x\n',
      'a: !!str 1\n',
      'a: "esc\\"aped"\n',
      'a: |\n  block\n',
      'a:\tb\n',
      'a: .inf\n',
      'a: 0x1F\n',
      'key with space: 1\n',
      '- just a list\n',
      'a: 99999999999999999999\n',
    ]) {
      expect(simpleFrontmatter(c)).toBeNull();
    }
  });

  it('agrees with yaml on every generated block it accepts (2,000 cases)', () => {
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,10}$/);
    const plainWord = fc.constantFrom('low', 'high', 'True', 'false', 'null', '~', '12', '-7', '1.5', '.5', '1e3', 'x:y', 'a b', 'it\'s', 'wiki]]', '2026-01-02', 'sha256:ab12', 'a,b', '#x', 'a #b', '-dash', 'ünï', '🚀', '0o7', '0x1', 'NaN', '.inf', '[[X]]', 'a:', '"q"', "'s'", 'q"in"side');
    const quoted = fc.oneof(
      fc.string({ maxLength: 8 }).map((s) => `"${s}"`),
      fc.string({ maxLength: 8 }).map((s) => `'${s}'`),
    );
    const scalarText = fc.oneof(plainWord, quoted);
    const valueLine = fc.oneof(
      scalarText,
      fc.array(scalarText, { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
      fc.constant(''),
    );
    const entry = fc.tuple(key, valueLine, fc.option(fc.array(scalarText, { minLength: 1, maxLength: 3 }), { nil: undefined }), fc.constantFrom('', '  '), fc.boolean());
    const block = fc.array(entry, { maxLength: 6 }).map((es) =>
      es
        .map(([k, v, list, indent, crlf]) => {
          const eol = crlf ? '\r\n' : '\n';
          if (v === '' && list) return `${k}:${eol}${list.map((x) => `${indent}- ${x}`).join(eol)}${eol}`;
          return `${k}:${v === '' ? '' : ` ${v}`}${eol}`;
        })
        .join(''),
    );
    let accepted = 0;
    fc.assert(
      fc.property(block, (text) => {
        const fast = simpleFrontmatter(text);
        if (fast === null) return;
        accepted++;
        let expected: unknown;
        try {
          expected = yamlRead(text);
        } catch {
          throw new Error(`fast path accepted text yaml rejects: ${JSON.stringify(text)}`);
        }
        expect(fast).toEqual(expected ?? {});
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(300);
  });
});
