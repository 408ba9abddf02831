import { afterEach, beforeEach } from 'vitest';
import { OpenAiTestServer, type Handler } from './openai-server';
import { scriptedAgents } from './scripted-agents';
import { EXAMPLE_VAULT, tempVault } from './temp-vault';

/**
 * Before each test of the file: the scripted model on a loopback server and a fresh copy of the
 * example vault, handed to `use`; after each, both gone. The end-to-end suites that drive the CLI
 * against the example vault all start this way. `script` swaps the model's answers for the rest of
 * the test; each test starts again from the plain scripted agents.
 */
export function withScriptedModelAndVault(use: (server: OpenAiTestServer, vault: { dir: string; cleanup: () => void }, script: (handler: Handler) => void) => void): void {
  let server: OpenAiTestServer;
  let vault: { dir: string; cleanup: () => void };
  let handler: Handler;
  beforeEach(async () => {
    handler = scriptedAgents();
    server = await OpenAiTestServer.start({ handler: (b, r) => handler(b, r) });
    vault = tempVault(EXAMPLE_VAULT);
    use(server, vault, (h) => (handler = h));
  });
  afterEach(async () => {
    await server.close();
    vault.cleanup();
  });
}
