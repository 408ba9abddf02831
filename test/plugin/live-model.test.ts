// @vitest-environment happy-dom
import { afterEach, beforeEach, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { asObsidian, createApp, destroyApp, settle, type App } from '../support/obsidian/index';
import { LiveModel } from '../../src/plugin/live-model';
import { ObsidianDataFolder, ObsidianVault } from '../../src/plugin/obsidian-vault';

let dir: string;
let app: App;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'groundwork-live-'));
  writeFileSync(path.join(dir, 'Kubernetes.md'), '---\ngroundwork: domain\nconfidence: low\n---\n# Kubernetes\n');
  for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `Note ${i}.md`), `# Note ${i}\n`);
  app = createApp(dir);
  await settle(app);
});
afterEach(async () => {
  await destroyApp(app);
  rmSync(dir, { recursive: true, force: true });
});

/** The port, with a person's edit made right after the load has read the domain note. */
class EditDuringLoad extends ObsidianVault {
  private done = false;
  constructor(
    private readonly stand: App,
    private readonly edit: () => Promise<void>,
  ) {
    super(asObsidian(stand));
  }

  override async read(p: string): Promise<string> {
    const text = await super.read(p);
    if (p === 'Kubernetes.md' && !this.done) {
      this.done = true;
      await this.edit();
      await settle(this.stand);
    }
    return text;
  }
}

it('keeps an edit the person made while the model was loading', async () => {
  const file = app.vault.getFileByPath('Kubernetes.md')!;
  const port = new EditDuringLoad(app, () => app.vault.modify(file, '---\ngroundwork: domain\nconfidence: high\n---\n# Kubernetes\n'));
  const live = new LiveModel(asObsidian(app), port, () => 'Groundwork', new ObsidianDataFolder(asObsidian(app), '.obsidian/plugins/groundwork'));
  const refs: unknown[] = [];
  live.attach((ref) => refs.push(ref));
  const model = await live.ensure();
  expect(model.get('Kubernetes.md')?.trust.confidence).toBe('high');
});

it('keeps a note created, and forgets a note deleted, while the model was loading', async () => {
  const port = new EditDuringLoad(app, async () => {
    await app.vault.create('Fresh.md', '---\ndomain: "[[Kubernetes]]"\n---\nNew.\n');
    await app.vault.delete(app.vault.getFileByPath('Note 19.md')!);
  });
  const live = new LiveModel(asObsidian(app), port, () => 'Groundwork', new ObsidianDataFolder(asObsidian(app), '.obsidian/plugins/groundwork'));
  live.attach(() => undefined);
  const model = await live.ensure();
  expect(model.get('Fresh.md')).toBeDefined();
  expect(model.get('Note 19.md')).toBeUndefined();
});
