import { renderMapMarkdown, renderMapText } from '../../core/map-render';
import { mapToJson } from '../../core/vault-model';
import { autonomyMapPath, DEFAULT_OUTPUT_FOLDER } from '../../core/layout';
import { parseNote } from '../../core/frontmatter';
import { loadCliModel } from '../cli-model';
import { CliFailure } from '../errors';
import type { CliIO } from '../io';
import { openVault } from '../open-vault';
import * as path from 'node:path';
import { cliDataFolder, NodeDataFolder } from '../node-data-folder';
import { GeneratedNotes } from '../../agents/generated-notes';
import { domainsBasePath, renderDomainsBase } from '../../core/domains-base';
import type { NodeVault } from '../node-vault';
import { refreshEvidence } from '../../agents/evidence';

export async function runMap(io: CliIO, vaultArg: string, flags: { json: boolean; write: boolean }): Promise<number> {
  const vault = await openVault(vaultArg, io.cwd);
  const model = await loadCliModel(vault, DEFAULT_OUTPUT_FOLDER, { onProgress: (d, t) => io.progress(`Reading notes ${d}/${t}`) });
  io.progress('');
  // Probation can lower a mode, so the map is computed only once the evidence is in.
  await refreshEvidence({ vault, data: cliDataFolder(vault), model, outputFolder: DEFAULT_OUTPUT_FOLDER, maxChars: sourceChars(io.env.GROUNDWORK_SOURCE_CHARS) });
  const map = model.computeMap();
  if (flags.write) {
    const target = autonomyMapPath(DEFAULT_OUTPUT_FOLDER);
    const text = renderMapMarkdown(map, new Date().toISOString());
    const data = new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
    // Regenerated only over the text Groundwork last wrote there: a person's own note at that path,
    // or the map with a line the person added, is never overwritten.
    const outcome = await new GeneratedNotes(vault, data, DEFAULT_OUTPUT_FOLDER).writeUnlessEdited(target, text);
    if (outcome === 'kept-edited') {
      io.out(flags.json ? JSON.stringify(mapToJson(map), null, 2) : renderMapText(map));
      const current = await vault.read(target);
      const why = parseNote(current).frontmatter?.groundwork === 'map' ? 'was edited since Groundwork wrote it' : 'is not a generated map (no "groundwork: map")';
      throw new CliFailure(`${target} ${why}, so it was left as is; move it away (or delete it) to get a fresh map`);
    }
    io.err(`Wrote ${target}`);
    await writeDomainsBase(io, vault);
  }
  io.out(flags.json ? JSON.stringify(mapToJson(map), null, 2) : renderMapText(map));
  return 0;
}

function sourceChars(raw: string | undefined): number | undefined {
  const n = Number(raw);
  return raw && Number.isInteger(n) && n >= 1000 && n <= 200_000 ? n : undefined;
}

export async function runCheck(io: CliIO, vaultArg: string, flags: { json: boolean }): Promise<number> {
  const vault = await openVault(vaultArg, io.cwd);
  const model = await loadCliModel(vault, DEFAULT_OUTPUT_FOLDER, { onProgress: (d, t) => io.progress(`Checking notes ${d}/${t}`) });
  io.progress('');
  const { problems } = model.computeMap();
  if (flags.json) io.out(JSON.stringify({ notes: model.size, problems }, null, 2));
  else if (problems.length === 0) io.out(`No problems in ${model.size} notes.`);
  else {
    for (const p of problems) io.out(`${p.path}: ${p.message}`);
    const files = new Set(problems.map((p) => p.path)).size;
    io.err(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${files} of ${model.size} notes`);
  }
  return problems.length === 0 ? 0 : 1;
}

/** `Groundwork/Domains.base`: the trust keys of every domain as one table in Obsidian's Bases. */
async function writeDomainsBase(io: CliIO, vault: NodeVault): Promise<void> {
  const data = new NodeDataFolder(path.join(vault.root, vault.configDir, 'plugins', 'groundwork'));
  const target = domainsBasePath(DEFAULT_OUTPUT_FOLDER);
  const outcome = await new GeneratedNotes(vault, data, DEFAULT_OUTPUT_FOLDER).writeUnlessEdited(target, renderDomainsBase(DEFAULT_OUTPUT_FOLDER));
  io.err(outcome === 'kept-edited' ? `Left ${target} as you edited it` : outcome === 'unchanged' ? `${target} is up to date` : `Wrote ${target}`);
}
