/**
 * The families that declare directives whose arguments they never read
 * (RuleFamily.argumentsUnread) keep their findings across edits of those directives. The
 * declaration is only true while no code they run looks at those directives: no source file
 * they reach (their own module and every server module it imports, transitively) may name one,
 * except the model's list of array-like directives, a list that nothing reads (the header
 * families, which do read these directives, declare nothing).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { REPO_ROOT } from '../lsp/lspClient';

const SERVER_SRC = path.join(REPO_ROOT, 'server/src');
/** Where naming an unread directive is allowed, and why. */
const ALLOWED: Record<string, RegExp> = {
  // ARRAY_DIRECTIVES: a list of the directives that inherit as arrays (nothing reads it today).
  // and tlsDefault(): the value nginx takes for a directive that is absent, for whoever asks.
  'model/effectiveConfig.ts': /^(add_header|add_trailer|(proxy_|grpc_|uwsgi_)?ssl_verify_depth)$/,
  // The file that declares the list.
  'analysis/unreadArguments.ts': /.*/,
};

/** The server modules `file` imports, transitively (relative imports only). */
function reachable(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = fs.readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gms)) {
    const target = path.resolve(path.dirname(file), m[1]);
    for (const candidate of [`${target}.ts`, path.join(target, 'index.ts')]) {
      if (fs.existsSync(candidate)) reachable(candidate, seen);
    }
  }
  return seen;
}

/** The module that defines a family (its file exports the family object by its name). */
function moduleOf(familyName: string): string {
  const dir = path.join(SERVER_SRC, 'analysis/rules');
  const found = fs.readdirSync(dir).find((f) => fs.readFileSync(path.join(dir, f), 'utf8').includes(`name: '${familyName}',`));
  assert.ok(found, `no module defines the family ${familyName}`);
  return path.join(dir, found);
}

describe('directives whose arguments a family never reads', () => {
  it('are named by no source file the declaring families reach', () => {
    const declaring = RULE_FAMILIES.filter((f) => f.argumentsUnread);
    assert.ok(declaring.length > 0);
    const problems: string[] = [];
    let modules = 0;
    for (const family of declaring) {
      const files = reachable(moduleOf(family.name));
      modules = Math.max(modules, files.size);
      for (const file of files) {
        const relative = path.relative(SERVER_SRC, file);
        const text = fs.readFileSync(file, 'utf8');
        for (const name of family.argumentsUnread ?? []) {
          if (!new RegExp(`['"\`]${name}['"\`]`).test(text)) continue;
          if (ALLOWED[relative]?.test(name)) continue;
          problems.push(`${family.name} reaches ${relative}, which names ${name}`);
        }
      }
    }
    assert.ok(modules > 10, `the import graph was followed (${modules} modules at most)`);
    assert.deepEqual([...new Set(problems)], []);
  });
});
