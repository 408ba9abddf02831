import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { OpenAiTestServer, type Handler } from '../support/openai-server';
import { scriptedAgents } from '../support/scripted-agents';
import { EXAMPLE_VAULT } from '../support/temp-vault';
import { withScriptedModelAndVault } from '../support/scripted-vault';
import { runCli } from '../support/run-cli';
import { languageOf } from '../../src/core/language';

/*
 * Points in the language of the person's domain note, quotes in the source's own language: the
 * rule is in the digest prompt, restated after the data, and a quote the model translated is
 * not in its source, so code marks it unverified. Russian and Japanese fixtures, through the CLI,
 * the real openai client and a loopback model.
 */

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures/languages', name), 'utf8');

describe('the language of a note', () => {
  it('is told from its text: Russian, Japanese, Chinese, English; null when too short', () => {
    expect(languageOf(fixture('ru.md'))).toBe('Russian');
    expect(languageOf(fixture('ja.md'))).toBe('Japanese');
    expect(languageOf('低秩适应是一种高效微调大型语言模型的方法。原始权重被冻结。')).toBe('Chinese');
    expect(languageOf('---\ngroundwork: domain\n---\nHow this blog is built and deployed: Markdown to static HTML, published on every push to main.')).toBe('English');
    expect(languageOf('# LoRA')).toBeNull();
    expect(languageOf('Der Cluster ist nicht groß, und das Deployment läuft mit einer Pipeline auf dem Server.')).toBe('German');
    expect(languageOf('Nie wiem jeszcze, jak działa ranga i czy to jest ważne dla modelu, ale się uczę.')).toBe('Polish');
  });

  it('finds every domain note of the example vault English: "I", "to", "do" are not Polish', () => {
    for (const name of ['Kubernetes', 'LoRA fine-tuning', 'Payments', 'Static site builds']) {
      expect(languageOf(readFileSync(path.join(EXAMPLE_VAULT, `${name}.md`), 'utf8')), name).toBe('English');
    }
  });
});

describe('digests: points in the domain note’s language, quotes in the source’s', () => {
  let server: OpenAiTestServer;
  let vault: { dir: string; cleanup: () => void };
  let script: (handler: Handler) => void;
  withScriptedModelAndVault(
    (s, v, sc) => {
      server = s;
      vault = v;
      script = sc;
    },
    { from: null },
  );

  const env = () => ({ OPENAI_BASE_URL: server.url, GROUNDWORK_MODEL: 'test-model' });
  const prompts = (schema: string) =>
    server.chatRequests.filter((r) => r.body?.response_format?.json_schema?.name === schema).map((r) => ({ system: r.body!.messages[0]!.content, user: r.body!.messages[1]!.content }));
  const setUp = (domainFixture: string, sourceFixture: string) => {
    writeFileSync(path.join(vault.dir, 'LoRA.md'), `---\ngroundwork: domain\nconfidence: low\n---\n${fixture(domainFixture)}`);
    writeFileSync(path.join(vault.dir, 'Source.md'), `---\ndomain: "[[LoRA]]"\n---\n${fixture(sourceFixture)}`);
  };

  for (const [domainFixture, sourceFixture, language] of [
    ['ru.md', 'ja.md', 'Russian'],
    ['ja.md', 'ru.md', 'Japanese'],
  ] as const) {
    it(`a ${language} domain note with a source in another language: the rule comes after the data, in every digest, the distiller and the critic`, async () => {
      setUp(domainFixture, sourceFixture);
      const r = await runCli(['research', vault.dir, 'LoRA'], env());
      expect(r.code, r.stderr).toBe(0);
      const digests = prompts('source_digest');
      expect(digests).toHaveLength(2);
      for (const p of digests) {
        const task = p.user.slice(p.user.lastIndexOf('Your task:'));
        expect(task).toContain(`Write the summary and points in ${language}; keep each quote in the source's own language, untranslated.`);
        expect(p.system).toContain('copied exactly, in the language of the source');
      }
      const distiller = prompts('distillate')[0]!;
      expect(distiller.user.slice(distiller.user.lastIndexOf('Your task:'))).toContain(`Write in ${language}.`);
      // The critique is read by the same person: its reasoning, issues and summary in their language too.
      const critic = prompts('critique')[0]!;
      expect(critic.user.slice(critic.user.lastIndexOf('Your task:'))).toContain(`Write the reasoning, issues and summary in ${language}; keep quotes as they are.`);
    });
  }

  it('a quote the model translated is not in its source: marked unverified, never offered as evidence', async () => {
    setUp('ru.md', 'ja.md');
    const base = scriptedAgents();
    script((b, r) => {
      const user = b.messages.map((m) => m.content).join('\n');
      if (b.response_format?.json_schema?.name === 'source_digest' && user.includes('LoRA による微調整')) {
        return {
          json: {
            summary: 'Источник о LoRA.',
            keyPoints: [
              // Translated into Russian: not what the source says, word for word.
              { quote: 'Исходные веса замораживаются', point: 'Веса модели замораживаются.', kind: 'concept' },
              { quote: '元の重みを凍結し、各層に小さな低ランク行列を追加して', point: 'Добавляются матрицы низкого ранга.', kind: 'structure' },
            ],
          },
        };
      }
      return base(b, r);
    });
    expect((await runCli(['research', vault.dir, 'LoRA'], env())).code).toBe(0);
    const sources = readFileSync(path.join(vault.dir, 'Groundwork/LoRA/LoRA sources.md'), 'utf8');
    expect(sources).toMatch(/\*concept:\* Веса модели замораживаются\. — “Исходные веса замораживаются” \(unverified: not found in the source\)/);
    expect(sources).toMatch(/\*structure:\* Добавляются матрицы низкого ранга\. — “元の重みを凍結し、各層に小さな低ランク行列を追加して” \^s\d-2$/m);
    const distiller = prompts('distillate')[0]!.user;
    expect(distiller).not.toContain('Исходные веса замораживаются');
    expect(distiller).toMatch(/\[S\d\.2\] \(structure\) Добавляются матрицы низкого ранга\. \(verified quote: "元の重みを凍結し、各層に小さな低ランク行列を追加して"\)/);
  });
});
