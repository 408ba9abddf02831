import { afterEach, beforeEach } from 'vitest';
import { OpenAiTestServer, type Handler } from './openai-server';
import { scriptedAgents } from './scripted-agents';
import { EXAMPLE_VAULT, tempVault } from './temp-vault';

/**
 * Before each test of the file: the scripted model on a loopback server and a fresh copy of the
 * example vault, handed to `use`; after each, both gone. The end-to-end suites that drive the CLI
 * against the example vault all start this way. `script` swaps the model's answers for the rest of
 * the test; each test starts again from the plain scripted agents. `from: null` starts from an
 * empty vault instead.
 */
export function withScriptedModelAndVault(
  use: (server: OpenAiTestServer, vault: { dir: string; cleanup: () => void }, script: (handler: Handler) => void) => void,
  opts: { from?: string | null } = {},
): void {
  let server: OpenAiTestServer;
  let vault: { dir: string; cleanup: () => void };
  let handler: Handler;
  beforeEach(async () => {
    handler = scriptedAgents();
    server = await OpenAiTestServer.start({ handler: (b, r) => handler(b, r) });
    const from = opts.from === undefined ? EXAMPLE_VAULT : opts.from;
    vault = from === null ? tempVault() : tempVault(from);
    use(server, vault, (h) => (handler = h));
  });
  afterEach(async () => {
    await server.close();
    vault.cleanup();
  });
}
