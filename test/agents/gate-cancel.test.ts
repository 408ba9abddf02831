import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiTestServer } from '../support/openai-server';
import { scriptedAgents, type ScriptOptions } from '../support/scripted-agents';
import { EXAMPLE_VAULT, snapshot, tempVault } from '../support/temp-vault';
import { testAgentContext } from '../support/agent-context';
import { runTask } from '../../src/agents/gate';
import { Journal } from '../../src/journal';

let server: OpenAiTestServer;
let vault: { dir: string; cleanup: () => void };
let script: ScriptOptions;

beforeEach(async () => {
  script = {};
  server = await OpenAiTestServer.start({ handler: (b, r) => scriptedAgents(script)(b, r) });
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(async () => {
  await server.close();
  vault.cleanup();
});

describe('cancelling an action', () => {
  it('during the critic’s check of an automatic change: nothing is applied, no proposal, no journal entry', async () => {
    const controller = new AbortController();
    script.duringVerify = () => controller.abort();
    const ctx = await testAgentContext(vault.dir, server.url, { signal: controller.signal });
    const journal = new Journal(ctx.vault, ctx.data, { outputFolder: 'Groundwork' });
    const before = snapshot(vault.dir);
    const err = await runTask(ctx, journal, { domain: 'Static site builds', note: 'Notes/Blog deploy checklist.md', task: 'Add a rollback step' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toMatch(/Cancel/);
    expect(snapshot(vault.dir)).toEqual(before);
    expect(await journal.list()).toEqual([]);
  });

  it('before the actor answers: nothing is written', async () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = await testAgentContext(vault.dir, server.url, { signal: controller.signal });
    const before = snapshot(vault.dir);
    await expect(runTask(ctx, new Journal(ctx.vault, ctx.data, { outputFolder: 'Groundwork' }), { domain: 'Kubernetes', note: 'Projects/Staging cluster runbook.md', task: 'x' })).rejects.toThrow();
    expect(snapshot(vault.dir)).toEqual(before);
  });
});
