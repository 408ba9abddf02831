import * as path from 'node:path';
import { setMaxListeners } from 'node:events';
import { lookup } from 'node:dns/promises';
import { progressCounter, RunCancelled, type AgentContext, type Progress } from '../agents/context';
import { startEarlyDigest } from '../agents/early-digest';
import { DEFAULT_OUTPUT_FOLDER } from '../core/layout';
import { contextTokensFromEnv, LlmClient, llmConfigFromEnv, type LlmConfig } from '../llm';
import type { DomParserConstructor, HtmlPage, HtmlToText } from '../sources/html-text';
import { loadCliModel } from './cli-model';
import type { CliIO } from './io';
import { NodeDataFolder } from './node-data-folder';
import type { NodeVault } from './node-vault';
import type { VaultModel } from '../core/vault-model';
import { openVault } from './open-vault';

export interface LlmFlags {
  baseUrl?: string;
  model?: string;
  noCache?: boolean;
  contextTokens?: string;
  /** `--allow-host`: hosts the scout may fetch from although their address is private. */
  allowHosts?: string[];
}

/** A config that is never called: a dry run plans without a server. */
const PLAN_ONLY: LlmConfig = { baseURL: 'http://127.0.0.1:9/v1', apiKey: '', model: '(no model set)', timeoutMs: 1, maxRetries: 0, cache: false };

const STAGE_LABEL: Record<Progress['stage'], string> = {
  adopt: 'adopt',
  gather: 'gather',
  digest: 'digest',
  distill: 'distiller',
  critique: 'critic',
  skeleton: 'mapper',
  write: 'write',
};

/**
 * Everything a CLI agent run needs: the vault on disk, the plugin's data folder in it, the model
 * client from the environment, and Ctrl-C wired to cancel the run cleanly.
 */
export async function cliAgentContext(io: CliIO, vaultArg: string, flags: LlmFlags, opts: { planOnly?: boolean; earlyDigest?: { domain: string; maxChars?: number } } = {}) {
  const vault = await openVault(vaultArg, io.cwd);
  let config: LlmConfig;
  try {
    config = llmConfigFromEnv(io.env, flags);
  } catch (err) {
    if (!opts.planOnly) throw err;
    // A plan without a server still splits sources by the window the person named.
    const contextTokens = contextTokensFromEnv(io.env, flags);
    config = contextTokens !== undefined ? { ...PLAN_ONLY, contextTokens } : PLAN_ONLY;
  }
  const data = new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
  const controller = new AbortController();
  // Every in-flight model call listens on the run's signal; dozens at once are expected, not a leak.
  setMaxListeners(1000, controller.signal);
  const onSigint = (): void => {
    if (controller.signal.aborted) return;
    io.err('\nCancelling: finishing nothing new, writing nothing more…');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const llm = new LlmClient(config, { dataFolder: data, signal: controller.signal });
  const files = await vault.listNotes();
  // The domain note's digest goes to the model while the rest of the vault is read.
  const earlyStart = opts.earlyDigest
    ? startEarlyDigest({ vault, data, llm, outputFolder: DEFAULT_OUTPUT_FOLDER, files, domainArg: opts.earlyDigest.domain, maxChars: opts.earlyDigest.maxChars })
    : Promise.resolve(null);
  let model: VaultModel;
  try {
    model = await loadCliModel(vault, DEFAULT_OUTPUT_FOLDER, { files, signal: controller.signal, onProgress: (d, t) => io.progress(`Reading notes ${d}/${t}`) });
  } catch (err) {
    await (await earlyStart)?.release();
    process.off('SIGINT', onSigint);
    // Ctrl-C stopped the reading: said as every cancel is, not as a failure.
    throw controller.signal.aborted ? new RunCancelled() : err;
  }
  const early = await earlyStart;
  io.progress('');
  const ctx = nodeAgentContext({
    vault,
    data,
    model,
    config,
    llm,
    allowHosts: flags.allowHosts,
    signal: controller.signal,
    onProgress: (p) => {
      const count = progressCounter(p);
      io.err(`[${STAGE_LABEL[p.stage]}${count ? ` ${count}` : ''}] ${p.message}`);
    },
  });
  // The caller releases `early` (awaited) before dispose, so Ctrl-C still reaches it.
  return { ctx, early, dispose: () => process.off('SIGINT', onSigint) };
}

/**
 * The AgentContext of a Node process over a folder: the CLI's, and the one tests and the bench
 * use to run agents in-process exactly as the CLI does.
 */
export function nodeAgentContext(p: {
  vault: NodeVault;
  data: NodeDataFolder;
  model: VaultModel;
  config: LlmConfig;
  /** The run's client when the shell made it already (the CLI, for the early digest); else one from `config`. */
  llm?: LlmClient;
  allowHosts?: string[];
  signal?: AbortSignal;
  onProgress?: AgentContext['onProgress'];
}): AgentContext {
  return {
    vault: p.vault,
    data: p.data,
    model: p.model,
    llm: p.llm ?? new LlmClient(p.config, { dataFolder: p.data, signal: p.signal }),
    outputFolder: DEFAULT_OUTPUT_FOLDER,
    fetch: globalThis.fetch.bind(globalThis),
    htmlToText: lazyHtmlToText(),
    network: { allowHosts: p.allowHosts, resolveHost },
    signal: p.signal,
    onProgress: p.onProgress,
    // setImmediate, not a timer: I/O callbacks (a digest's request under way) run before it.
    yieldNow: () => new Promise((resolve) => setImmediate(resolve)),
  };
}

/**
 * The HTML reader (linkedom and Readability, ~1 MB of code) is loaded when the first web page is
 * converted: most runs read only notes, and every command paid for loading it before.
 */
function lazyHtmlToText(): HtmlToText {
  let convert: Promise<(html: string, url: string) => HtmlPage> | null = null;
  return async (html, url) => {
    convert ??= Promise.all([import('linkedom'), import('../sources/html-text')]).then(([{ DOMParser }, { makeHtmlToText }]) => makeHtmlToText(DOMParser as unknown as DomParserConstructor));
    return (await convert)(html, url);
  };
}

/** Every address a name resolves to, so the address checks see what the fetch may connect to. */
async function resolveHost(host: string): Promise<string[]> {
  const found = await lookup(host, { all: true, verbatim: true });
  return found.map((a) => a.address);
}
