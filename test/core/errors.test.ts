import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CANCELLED_MESSAGE, describeError, GroundworkError } from '../../src/core/errors';
import { EditError } from '../../src/core/edit';
import { PathError } from '../../src/core/layout';
import { FrontmatterPatchError } from '../../src/core/patch';
import { DataLockTimeout } from '../../src/vault/data-lock';
import { VaultError } from '../../src/vault/port';
import { BodyTooLarge } from '../../src/llm/bounded-body';
import { LlmError } from '../../src/llm/errors';
import { PageError } from '../../src/sources/fetch-page';
import { IndexDamaged } from '../../src/sources/fulltext-index';
import { ChangedSinceRead, JournalDamaged, UndoRefused } from '../../src/journal/entry';
import { AgentError, RunCancelled } from '../../src/agents/context';
import { CliFailure, UsageError } from '../../src/cli/errors';

describe('one error base, one mapping for every shell', () => {
  it('every failure Groundwork expects reports its own message, one line; cancels and usage mistakes are told apart', () => {
    const failures = [
      new PathError('Refused a path that leaves its folder: ../x.md'),
      new EditError('No section “Setup” in Notes/A.md'),
      new FrontmatterPatchError('Frontmatter of Notes/A.md is not a mapping'),
      new DataLockTimeout('The journal lock is held by cli (pid 12) since 30 s', 'journal', null),
      new VaultError('not-found', 'Notes/A.md', 'No note Notes/A.md'),
      new BodyTooLarge(8_000_000),
      new LlmError('timeout', 'The model server did not answer within 60 s'),
      new PageError('https://example.org answered 404'),
      new IndexDamaged('The full-text index is damaged; it will be rebuilt'),
      new ChangedSinceRead('Notes/A.md changed since the agent read it; the change was not applied', 'Notes/A.md'),
      new UndoRefused('Nothing to undo: the journal has no applied change'),
      new JournalDamaged('The journal index is not valid JSON. It was left as is.'),
      new AgentError('No note named "X" in the vault'),
      new CliFailure('Not signed off (answer "y", or pass --yes)'),
    ];
    for (const err of failures) {
      expect(err).toBeInstanceOf(GroundworkError);
      expect(describeError(err), err.name).toEqual({ category: 'failure', message: err.message });
    }
    // The name survives minification: each class sets it.
    expect(failures.map((e) => e.name)).toEqual([
      'PathError', 'EditError', 'FrontmatterPatchError', 'DataLockTimeout', 'VaultError', 'BodyTooLarge', 'LlmError',
      'PageError', 'IndexDamaged', 'ChangedSinceRead', 'UndoRefused', 'JournalDamaged', 'AgentError', 'CliFailure',
    ]);
    expect(describeError(new RunCancelled())).toEqual({ category: 'cancelled', message: CANCELLED_MESSAGE });
    expect(describeError(new LlmError('cancelled', 'aborted'))).toEqual({ category: 'cancelled', message: CANCELLED_MESSAGE });
    expect(describeError(new UsageError('unknown command "mapp"'))).toEqual({ category: 'usage', message: 'unknown command "mapp"' });
  });

  it('anything else is an unexpected failure, still one line', () => {
    expect(describeError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({
      category: 'unexpected',
      message: "Unexpected failure: Cannot read properties of undefined (reading 'x')",
    });
    expect(describeError('a string')).toEqual({ category: 'unexpected', message: 'Unexpected failure: a string' });
  });

  it('no exported error class in src/ bypasses the base (it would read as "unexpected" in every shell)', () => {
    const root = path.resolve(__dirname, '../../src');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) walk(abs);
        else if (e.name.endsWith('.ts')) {
          for (const m of readFileSync(abs, 'utf8').matchAll(/export class (\w+) extends (\w*Error)\b/g)) {
            if (m[1] === 'GroundworkError') continue;
            if (m[2] === 'Error' || m[2] === 'TypeError' || m[2] === 'RangeError') offenders.push(`${path.relative(root, abs)}: ${m[1]}`);
          }
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
