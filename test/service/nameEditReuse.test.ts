/**
 * Typing the name of a directive, on its way from one name nginx does not know to another
 * (`add_hea` → `add_head`), changes no statement any family but the block-local ones reads
 * (argumentEditReuse.ts, ArgumentEdit.renamedFrom): those check the edited block again, the
 * others keep their findings, moved. The reused findings must be exactly those of a fresh
 * analysis: every rule fixture gets statements being typed, and their names are edited.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { parseFile } from '../../server/src/model/parsedFile';
import { argumentOnlyEdit } from '../../server/src/service/argumentEditReuse';
import { findingsOf, forEachRuleFixture, freshFindings, openedCounting } from './reuseHelpers';

const BLOCK_LOCAL = RULE_FAMILIES.filter((f) => f.blockLocal).map((f) => f.name);

/**
 * After each line that opens a plain block, a statement being typed: in turn a whole unknown
 * statement, or a bare name that takes the next line's words as its arguments (no `;` typed
 * yet). Returns the text and the offsets just after each inserted name.
 */
function withNamesBeingTyped(text: string): { text: string; nameEnds: number[] } {
  const nameEnds: number[] = [];
  let out = '';
  let turn = 0;
  for (const line of text.split('\n')) {
    out += (out ? '\n' : '') + line;
    if (!/\{\s*(#.*)?$/.test(line) || /\b(map|geo|types|upstream|split_clients|match|charset_map|stream)\b|_by_lua_block/.test(line)) continue;
    const bare = turn++ % 2 === 1;
    out += '\n    typed_nam';
    nameEnds.push(out.length);
    if (!bare) out += ' on;';
  }
  return { text: out, nameEnds };
}

describe('typing the name of a directive nginx does not know', () => {
  it('is an edit of that statement only while the name is unknown before and after, outside stream blocks', () => {
    const base = 'http {\n    server {\n        add_hea X-A 1;\n        ad\n        listen 443;\n        gzip on;\n        set_z $a 1;\n        map_x { a b; }\n    }\n}\n'
      + 'stream {\n    server {\n        proxy_pas 127.0.0.1:1;\n    }\n}\n';
    const edit = (from: string, to: string): ReturnType<typeof argumentOnlyEdit> => {
      assert.ok(base.includes(from), from);
      return argumentOnlyEdit(parseFile('f', base), parseFile('f', base.replace(from, to)));
    };
    assert.deepEqual([edit('add_hea X', 'add_head X')?.directive, edit('add_hea X', 'add_head X')?.renamedFrom], ['add_head', 'add_hea']);
    assert.equal(edit('add_hea X', 'add_he X')?.renamedFrom, 'add_hea', 'a character deleted');
    assert.equal(edit('        ad\n', '        add\n')?.renamedFrom, 'ad', 'a name taking the next line\'s words');
    assert.equal(edit('add_hea X', 'add_header X'), undefined, 'a name nginx knows after');
    assert.equal(edit('gzip on', 'gzipp on'), undefined, 'a name nginx knows before');
    assert.equal(edit('set_z $a', 'set_zz $a'), undefined, 'a statement with a variable');
    assert.equal(edit('map_x {', 'map_xx {'), undefined, 'a block');
    assert.equal(edit('proxy_pas 127', 'proxy_pasx 127'), undefined, 'in a stream block');
    assert.equal(edit('add_hea X', 'add_hea  X')?.renamedFrom, undefined, 'blanks after the name are an argument edit');
  });

  it('gives the findings of a fresh analysis in every rule fixture, running only the block-local families on the edited block', async () => {
    let compared = 0;
    let scoped = 0;
    await forEachRuleFixture(async ({ code, name, dir, file }) => {
      const { text: prepared, nameEnds } = withNamesBeingTyped(fs.readFileSync(file, 'utf8'));
      if (nameEnds.length === 0) return;
      const { counted, edited } = await openedCounting(dir, file, prepared);
      for (const at of nameEnds.slice(0, 3)) {
        for (const text of [prepared.slice(0, at) + 'e' + prepared.slice(at), prepared, prepared.slice(0, at - 1) + prepared.slice(at), prepared]) {
          const runs = counted.total();
          const scopedBefore = new Map(counted.scoped);
          edited.openDocument(file, text);
          const got = await findingsOf(edited, file);
          if (counted.total() === runs && BLOCK_LOCAL.every((f) => counted.scoped.get(f) !== scopedBefore.get(f))) scoped++;
          assert.deepEqual(got, await freshFindings(dir, file, text), `${code}/${name}: name edited at ${at}: ${JSON.stringify(text.slice(at - 14, at + 12))}`);
          compared++;
        }
      }
    });
    assert.ok(compared > 300, `compared ${compared} edits`);
    console.log(`name edits: ${compared} compared with fresh analyses, ${scoped} ran only the block-local families, on the edited block`);
    assert.ok(scoped > compared * 0.6, `only the block-local families ran in ${scoped} of ${compared}`);
  });
});
