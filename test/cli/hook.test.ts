import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_VAULT, tempVault } from '../support/temp-vault';
import { BIN, runBin, runCli } from '../support/run-cli';

/*
 * The Claude Code hook as Claude Code runs it: the built CLI in its own process, the hook's JSON
 * on stdin (inputs shaped as Claude Code records them for PreToolUse), the decision on stdout.
 */

let vault: { dir: string; cleanup: () => void };
beforeEach(() => {
  vault = tempVault(EXAMPLE_VAULT);
});
afterEach(() => vault.cleanup());

const file = (rel: string) => path.join(vault.dir, rel);
const read = (rel: string) => readFileSync(file(rel), 'utf8');

/** A PreToolUse input as Claude Code sends it. */
function recorded(tool: string, toolInput: Record<string, unknown>, event = 'PreToolUse') {
  return {
    session_id: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0',
    transcript_path: '/home/person/.claude/projects/-home-person-vault/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0.jsonl',
    cwd: vault.dir,
    permission_mode: 'default',
    hook_event_name: event,
    tool_name: tool,
    tool_input: toolInput,
  };
}

const writeOf = (rel: string, content: string) => recorded('Write', { file_path: file(rel), content });
const editOf = (rel: string, oldString: string, newString: string) => recorded('Edit', { file_path: file(rel), old_string: oldString, new_string: newString });
const multiOf = (rel: string, edits: [string, string][]) => recorded('MultiEdit', { file_path: file(rel), edits: edits.map(([o, n]) => ({ old_string: o, new_string: n })) });

function hook(input: unknown): { code: number; stdout: string; stderr: string; decision: { permissionDecision: string; permissionDecisionReason: string } | null } {
  const r = spawnSync(process.execPath, [BIN, 'hook', 'claude-code', '--vault', vault.dir], { input: typeof input === 'string' ? input : JSON.stringify(input), encoding: 'utf8' });
  const out = r.stdout.trim();
  const parsed = out ? (JSON.parse(out) as { hookSpecificOutput: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string } }) : null;
  if (parsed) expect(parsed.hookSpecificOutput.hookEventName).toBe('PreToolUse');
  return { code: r.status ?? -1, stdout: out, stderr: r.stderr, decision: parsed?.hookSpecificOutput ?? null };
}

/** What Claude Code's Edit tool does once allowed: the exact string replaced in place. */
function performEdit(rel: string, oldString: string, newString: string): void {
  const text = read(rel);
  expect(text).toContain(oldString);
  writeFileSync(file(rel), text.replace(oldString, () => newString));
}

// Each decision is a new process, as in Claude Code: slow on a busy machine, whatever the code does.
describe('groundwork hook claude-code: a decision per mode', { timeout: 120_000 }, () => {
  const cases: [string, string, string][] = [
    ['automate', 'Notes/Blog deploy checklist.md', 'allow'],
    ['assist', 'Projects/Staging cluster runbook.md', 'ask'],
    ['assist (critical)', 'Projects/Refund policy.md', 'ask'],
    ['propose', 'Notes/Adapter rank experiments.md', 'deny'],
    ['no domain', 'Notes/Reading inbox.md', 'ask'],
  ];
  for (const [mode, rel, expected] of cases) {
    it(`${mode}: ${expected} for Write, Edit and MultiEdit`, () => {
      const text = read(rel);
      const lastLine = text.trimEnd().split('\n').at(-1)!;
      for (const input of [writeOf(rel, `${text}\nOne more line.\n`), editOf(rel, lastLine, `${lastLine} (checked)`), multiOf(rel, [[lastLine, `${lastLine}!`], ['!', '?']])]) {
        const r = hook(input);
        expect(r.code, input.tool_name).toBe(0);
        expect(r.decision?.permissionDecision, `${input.tool_name} ${rel}`).toBe(expected);
      }
      if (expected === 'deny') expect(hook(editOf(rel, lastLine, 'x')).decision!.permissionDecisionReason).toContain('request_change');
      // The hook decides; it never writes the note itself.
      expect(read(rel)).toBe(text);
    });
  }

  it('denies an Edit that changes confidence:, even in an automate domain', () => {
    const onDomain = hook(editOf('Static site builds.md', 'confidence: high', 'confidence: low'));
    expect(onDomain.decision).toMatchObject({ permissionDecision: 'deny' });
    expect(onDomain.decision!.permissionDecisionReason).toContain('confidence');
    const onMember = hook(editOf('Notes/Blog deploy checklist.md', 'domain: "[[Static site builds]]"', 'domain: "[[Static site builds]]"\nconfidence: high'));
    expect(onMember.decision).toMatchObject({ permissionDecision: 'deny' });
    const cap = hook(multiOf('Static site builds.md', [['# Static site builds', '# Static site builds!'], ['signed-off: 2026-11-20', 'signed-off: 2026-12-01']]));
    expect(cap.decision!.permissionDecision).toBe('deny');
    expect(cap.decision!.permissionDecisionReason).toContain('signed-off');
  });

  it('denies generated notes, the config folder, and moving a note into a propose domain', () => {
    expect(hook(editOf('Groundwork/Static site builds/Static site builds distillate.md', 'a', 'b')).decision!.permissionDecision).toBe('deny');
    expect(hook(writeOf('.obsidian/plugins/groundwork/journal/index.json', '{}')).decision!.permissionDecision).toBe('deny');
    const move = hook(editOf('Notes/Blog deploy checklist.md', '[[Static site builds]]', '[[LoRA fine-tuning]]'));
    expect(move.decision!.permissionDecision).toBe('deny');
    expect(move.decision!.permissionDecisionReason).toContain('LoRA fine-tuning');
    expect(hook(writeOf('Notes/Brand new.md', '# New\n')).decision!.permissionDecision).toBe('ask');
  });

  it('gives no decision for paths outside the vault or other tools, and decides by real path', () => {
    const outside = tempVault();
    try {
      const r = hook(recorded('Write', { file_path: path.join(outside.dir, 'note.md'), content: 'x' }));
      expect(r).toMatchObject({ code: 0, stdout: '' });
      expect(hook(recorded('Read', { file_path: file('Notes/Adapter rank experiments.md') }))).toMatchObject({ code: 0, stdout: '' });
      expect(hook(recorded('Bash', { command: 'rm -rf /' }))).toMatchObject({ code: 0, stdout: '' });
      expect(hook('not json')).toMatchObject({ code: 0, stdout: '' });
      // A link outside the vault that leads to a propose domain's note: the note is what counts.
      symlinkSync(file('Notes/Adapter rank experiments.md'), path.join(outside.dir, 'shortcut.md'));
      expect(hook(recorded('Write', { file_path: path.join(outside.dir, 'shortcut.md'), content: 'x' })).decision!.permissionDecision).toBe('deny');
    } finally {
      outside.cleanup();
    }
  });

  it('after an allowed edit, groundwork undo restores the note byte for byte', async () => {
    const rel = 'Notes/Blog deploy checklist.md';
    // Bytes a careless round trip would lose.
    writeFileSync(file(rel), '\uFEFF---\r\ndomain: "[[Static site builds]]"\r\n---\r\n# Blog deploy checklist  \r\n\r\n1. Run the link checker.\t\r\nCafe\u0301 🚀 no final newline');
    const original = readFileSync(file(rel));
    const r = hook(editOf(rel, '1. Run the link checker.', '1. Run the link checker twice.'));
    expect(r.decision!.permissionDecision).toBe('allow');
    const entry = /Journal entry (\S+):/.exec(r.decision!.permissionDecisionReason)![1]!;
    performEdit(rel, '1. Run the link checker.', '1. Run the link checker twice.');
    // Claude Code's PostToolUse run of the same command records the written text at once.
    expect(hook(recorded('Edit', { file_path: file(rel), old_string: '1. Run the link checker.', new_string: '1. Run the link checker twice.' }, 'PostToolUse')).stdout).toBe('');
    const index = JSON.parse(read('.obsidian/plugins/groundwork/journal/index.json')) as { entries: { id: string; state: string; author: string }[] };
    expect(index.entries).toEqual([expect.objectContaining({ id: entry, state: 'applied', author: 'Claude Code (hook)' })]);

    const undo = await runCli(['undo', vault.dir]);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain(entry);
    expect(readFileSync(file(rel))).toEqual(original);
  });

  it('without the PostToolUse run, undo still finds the written text', async () => {
    const rel = 'Notes/Blog deploy checklist.md';
    const original = readFileSync(file(rel));
    expect(hook(writeOf(rel, 'Replaced wholesale.\n')).decision!.permissionDecision).toBe('ask');
    const keepDomain = `${read(rel)}4. Tell the team.\n`;
    expect(hook(writeOf(rel, keepDomain)).decision!.permissionDecision).toBe('allow');
    writeFileSync(file(rel), keepDomain);
    expect((await runCli(['undo', vault.dir])).code).toBe(0);
    expect(readFileSync(file(rel))).toEqual(original);
  });

  it('a cached map never allows what the frontmatter now forbids', () => {
    const rel = 'Notes/Blog deploy checklist.md';
    expect(hook(editOf(rel, '1. Run', '1. Always run')).decision!.permissionDecision).toBe('allow');
    // The person lowers their trust; the cache from the first run is still on disk.
    writeFileSync(file('Static site builds.md'), read('Static site builds.md').replace('confidence: high', 'confidence: low'));
    expect(hook(editOf(rel, '1. Run', '1. Always run')).decision!.permissionDecision).toBe('deny');
    // A note without a role becomes, in place, a propose domain whose rule takes the note in.
    writeFileSync(file('Static site builds.md'), read('Static site builds.md').replace('confidence: low', 'confidence: high'));
    expect(hook(editOf(rel, '1. Run', '1. Always run')).decision!.permissionDecision).toBe('allow');
    writeFileSync(file('Notes/Reading inbox.md'), `---\ngroundwork: domain\nconfidence: low\ninclude: ["Notes/"]\n---\n${read('Notes/Reading inbox.md')}`);
    const taken = hook(editOf(rel, '1. Run', '1. Always run'));
    expect(taken.decision!.permissionDecision).toBe('deny');
    expect(taken.decision!.permissionDecisionReason).toContain('Reading inbox is in propose mode');
    // A damaged cache is rebuilt, not trusted.
    writeFileSync(file('.obsidian/plugins/groundwork/cache/agent-gate.json'), '{"version":1,"plain":[');
    expect(hook(editOf(rel, '1. Run', '1. Always run')).decision!.permissionDecision).toBe('deny');
  });
});

// The bin runs `hook` from its own bundle (dist/hook.cjs), not the whole CLI: it must answer every
// call exactly as the whole CLI would, and leave the whole CLI unloaded.
describe('groundwork hook through its own bundle', { timeout: 120_000 }, () => {
  it('help, usage errors and a missing vault read exactly as from the whole CLI', async () => {
    const calls = [
      ['hook', '--help'],
      ['hook', 'claude-code', '--vault', vault.dir, '-h'],
      ['hook'],
      ['hook', 'claude-code'],
      ['hook', 'codex', '--vault', vault.dir],
      ['hook', 'claude-code', '--vault', vault.dir, '--bogus'],
      ['hook', 'claude-code', '--vault', path.join(vault.dir, 'no such folder')],
    ];
    for (const args of calls) {
      const own = runBin(args);
      const whole = await runCli(args);
      expect(own, args.join(' ')).toEqual(whole);
    }
    expect(runBin(['hook']).code).toBe(2);
    expect(runBin(['hook', '--help']).stdout).toContain('Usage: groundwork hook claude-code --vault <vault>');
  });

  it('decides with nothing of the CLI but the bin and dist/hook.cjs', () => {
    // The bin and the hook bundle alone, in the shipped layout: were the hook to load any other
    // part of the CLI (its ES module entry or a chunk, which no require.cache would show), it would fail here.
    const alone = mkdtempSync(path.join(tmpdir(), 'groundwork-hook-alone-'));
    try {
      mkdirSync(path.join(alone, 'bin'));
      mkdirSync(path.join(alone, 'dist'));
      copyFileSync(BIN, path.join(alone, 'bin', path.basename(BIN)));
      copyFileSync(path.join(path.dirname(BIN), '..', 'dist', 'hook.cjs'), path.join(alone, 'dist', 'hook.cjs'));
      const input = JSON.stringify(editOf('Notes/Blog deploy checklist.md', '1. Run', '1. Always run'));
      const r = spawnSync(process.execPath, [path.join(alone, 'bin', path.basename(BIN)), 'hook', 'claude-code', '--vault', vault.dir], { input, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).hookSpecificOutput.permissionDecision).toBe('allow');
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });
});
