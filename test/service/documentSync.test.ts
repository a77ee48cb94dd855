import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentStore } from '../../server/src/service/documentSync';

const URI = 'file:///site.conf';

function storeWith(text: string): DocumentStore {
  const store = new DocumentStore();
  store.open(URI, 'nginx', 1, text);
  return store;
}

const at = (line: number, character: number) => ({ line, character });

describe('document synchronisation', () => {
  it('applies changes whose range lies in the document', () => {
    const store = storeWith('server {\n    listen 80;\n}\n');
    const outcome = store.change(URI, 2, [{ range: { start: at(1, 11), end: at(1, 13) }, text: '443' }]);
    assert.equal(outcome.kind, 'applied');
    assert.equal(store.get(URI)?.getText(), 'server {\n    listen 443;\n}\n');
    assert.equal(store.get(URI)?.version, 2);
  });

  it('clamps a character past the end of its line, and the position after the last line, to the ends', () => {
    const store = storeWith('a\nb');
    const outcome = store.change(URI, 2, [
      { range: { start: at(0, 99), end: at(0, 99) }, text: '1' },
      { range: { start: at(2, 0), end: at(2, 0) }, text: '2' },
    ]);
    assert.deepEqual(outcome.kind === 'applied' && outcome.clamped, 2);
    assert.equal(store.get(URI)?.getText(), 'a1\nb2');
    // The line table is intact: the next edit lands where it says.
    store.change(URI, 3, [{ range: { start: at(1, 0), end: at(1, 0) }, text: '>' }]);
    assert.equal(store.get(URI)?.getText(), 'a1\n>b2');
  });

  it('marks the document desynchronised on a change it cannot place, ignores edits until a full text comes', () => {
    for (const range of [
      { start: at(40, 0), end: at(40, 0) },
      { start: at(2, 1), end: at(2, 1) },
      { start: at(-1, 0), end: at(0, 0) },
      { start: at(0, 1.5), end: at(0, 2) },
      { start: at(1, 0), end: at(0, 0) },
    ]) {
      const store = storeWith('a\nb');
      const outcome = store.change(URI, 2, [{ range, text: 'x' }]);
      assert.equal(outcome.kind, 'desynchronised', JSON.stringify(range));
      assert.equal(store.get(URI), undefined);
      assert.ok(store.isOpen(URI));
      assert.deepEqual(store.all(), []);
      // A change that would fit the old text is not applied to it: the text is unknown.
      assert.equal(store.change(URI, 3, [{ range: { start: at(0, 0), end: at(0, 0) }, text: 'y' }]).kind, 'still-desynchronised');
      assert.equal(store.change(URI, 4, [{ text: 'server {}\n' }]).kind, 'applied');
      assert.equal(store.get(URI)?.getText(), 'server {}\n');
      assert.equal(store.get(URI)?.version, 4);
    }
  });

  it('a new didOpen makes a desynchronised document known again', () => {
    const store = storeWith('a');
    store.change(URI, 2, [{ range: { start: at(9, 0), end: at(9, 0) }, text: 'x' }]);
    store.open(URI, 'nginx', 1, 'b');
    assert.equal(store.get(URI)?.getText(), 'b');
    assert.equal(store.desynchronised(URI), undefined);
  });

  it('changes to a document that is not open are reported as unknown', () => {
    assert.equal(new DocumentStore().change(URI, 1, [{ text: 'x' }]).kind, 'unknown');
  });
});
