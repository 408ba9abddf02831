import { afterEach, beforeEach } from 'vitest';
import { OpenAiTestServer } from './openai-server';
import { scriptedAgents } from './scripted-agents';
import { EXAMPLE_VAULT, tempVault } from './temp-vault';

/**
 * Before each test of the file: the scripted model on a loopback server and a fresh copy of the
 * example vault, handed to `use`; after each, both gone. The end-to-end suites that drive the CLI
 * against the example vault all start this way.
 */
export function withScriptedModelAndVault(use: (server: OpenAiTestServer, vault: { dir: string; cleanup: () => void }) => void): void {
  let server: OpenAiTestServer;
  let vault: { dir: string; cleanup: () => void };
  beforeEach(async () => {
    server = await OpenAiTestServer.start({ handler: scriptedAgents() });
    vault = tempVault(EXAMPLE_VAULT);
    use(server, vault);
  });
  afterEach(async () => {
    await server.close();
    vault.cleanup();
  });
}
