/**
 * Shared pieces of the safety suites: what "the person's notes" are, what a sound output folder
 * looks like, the error-line checks, a Vault port that fails like a read-only folder or a full
 * disk, and an in-process agent context built the way src/cli/agent-context.ts builds one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { setMaxListeners } from 'node:events';
import { DOMParser } from 'linkedom';
import { expect } from 'vitest';
import { snapshot } from '../support/temp-vault';
import { parseNote } from '../../src/core/frontmatter';
import { NodeVault } from '../../src/cli/node-vault';
import { NodeDataFolder } from '../../src/cli/node-data-folder';
import { VaultError, type VaultErrorKind } from '../../src/vault/port';
import { loadModel } from '../../src/vault/load-model';
import { DEFAULT_OUTPUT_FOLDER } from '../../src/core/layout';
import { LlmClient, llmConfigFromEnv } from '../../src/llm';
import { makeHtmlToText, type DomParserConstructor } from '../../src/sources/html-text';
import type { AgentContext } from '../../src/agents/context';

export const FIXTURES = path.resolve(__dirname, '../fixtures');

/** The person's files: everything but the plugin's generated notes and the config folder. */
export function personFiles(dir: string): Map<string, Buffer> {
  return new Map([...snapshot(dir)].filter(([k]) => !k.startsWith('Groundwork/') && !k.startsWith('.obsidian/') && !k.startsWith('.trash/')));
}

/** Bytes of the person's text that differ or are gone between two snapshots (0 is the goal). */
export function bytesLost(before: Map<string, Buffer>, after: Map<string, Buffer>, allowed: (p: string) => boolean = () => false): number {
  let lost = 0;
  for (const [k, v] of before) {
    if (allowed(k)) continue;
    const now = after.get(k);
    if (!now) lost += v.length;
    else if (!now.equals(v)) lost += Math.max(v.length, 1);
  }
  return lost;
}

/** Every file under the output folder parses (notes' frontmatter, canvases' JSON) and no temp file is left anywhere. */
export function expectSoundOutput(dir: string): void {
  const all = snapshot(dir);
  const tmp = [...all.keys()].filter((k) => k.endsWith('.tmp'));
  expect(tmp, 'temp files left behind').toEqual([]);
  for (const [k, v] of all) {
    if (!k.startsWith('Groundwork/')) continue;
    if (k.endsWith('.md')) {
      const { frontmatter, problems } = parseNote(v.toString('utf8'));
      expect(problems, `${k} parses`).toEqual([]);
      // Every generated note but the readable journal carries its role in frontmatter.
      if (k !== 'Groundwork/Journal.md') expect(frontmatter, `${k} has frontmatter`).not.toBeNull();
    } else if (k.endsWith('.canvas')) {
      expect(() => JSON.parse(v.toString('utf8')), `${k} is JSON`).not.toThrow();
    }
  }
}

/** One line on stderr starting with "groundwork: ", no stack trace; returns it. */
export function expectOneClearLine(stderr: string): string {
  expect(stderr).not.toMatch(/\n\s+at /);
  const lines = stderr.split('\n').filter((l) => l.startsWith('groundwork: '));
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
}

export type Op = 'create' | 'process' | 'trash';

/**
 * A Vault port over a real folder that refuses writes the way a read-only folder or a full disk
 * does, through the port's own error kinds. `failWhen` decides per call; reads always work.
 */
export class FaultyVault extends NodeVault {
  failures = 0;
  constructor(
    root: string,
    public kind: Extract<VaultErrorKind, 'read-only' | 'no-space'>,
    public failWhen: (op: Op, path: string) => boolean = () => true,
  ) {
    super(root);
  }

  private fault(op: Op, rel: string): void {
    if (!this.failWhen(op, rel)) return;
    this.failures++;
    throw new VaultError(
      this.kind,
      rel,
      this.kind === 'read-only' ? `Not allowed to write ${rel} (read-only or no permission)` : `No space left on the disk while writing ${rel}`,
    );
  }

  override async create(rel: string, content: string): Promise<void> {
    this.fault('create', rel);
    return super.create(rel, content);
  }

  override async process(rel: string, fn: (current: string) => string): Promise<string> {
    // Like a real failed write: the callback runs (the read worked), the write does not land.
    const current = await this.read(rel);
    const next = fn(current);
    if (next === current) return current;
    this.fault('process', rel);
    return super.process(rel, () => next);
  }

  override async trash(rel: string): Promise<void> {
    this.fault('trash', rel);
    return super.trash(rel);
  }
}

/** An AgentContext as src/cli/agent-context.ts builds it, over any Vault port. */
export async function agentContext(vault: NodeVault, env: Record<string, string>, controller = new AbortController()): Promise<AgentContext> {
  const data = new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
  setMaxListeners(1000, controller.signal);
  const model = await loadModel(vault, DEFAULT_OUTPUT_FOLDER);
  return {
    vault,
    data,
    model,
    llm: new LlmClient(llmConfigFromEnv(env), { dataFolder: data, signal: controller.signal }),
    outputFolder: DEFAULT_OUTPUT_FOLDER,
    fetch: globalThis.fetch.bind(globalThis),
    htmlToText: makeHtmlToText(DOMParser as unknown as DomParserConstructor),
    signal: controller.signal,
  };
}

export function readIf(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** A result row for the suite's summary table. */
export interface Row {
  scenario: string;
  outcome: string;
  cases: number;
  lost: number;
}

/** Every file's sha256 (plus size), for vaults too big to compare byte by byte with toEqual. */
export function hashes(dir: string, keep: (p: string) => boolean = () => true): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of snapshot(dir)) if (keep(k)) out[k] = `${v.length}:${createHash('sha256').update(v).digest('hex')}`;
  return out;
}
