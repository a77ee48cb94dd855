/**
 * The directive table and the value tables answer from memory after the first question:
 * the same (name, context, argument count, terminator, version) gets the same verdict object,
 * and the remembered verdicts are the ones a table that never saw the question works out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHECKABLE_CONTEXTS, DirectiveTable, type ContextKind } from '../../server/src/directives/directiveTable';
import { allowedValues, isAllowed } from '../../server/src/directives/directiveValues';

const TERMINATORS = [';', '{', 'missing'] as const;
const CONTEXTS: ContextKind[] = [...CHECKABLE_CONTEXTS, 'custom-body', 'unknown'];

describe('directive table verdicts', () => {
  it('gives the same verdict object for the same question', () => {
    const table = new DirectiveTable();
    const first = table.check('ssl_certificate', 'server', 1, ';', '1.22.1');
    assert.equal(first.result, 'ok');
    assert.equal(table.check('ssl_certificate', 'server', 1, ';', '1.22.1'), first);
    // Another version is another question.
    assert.notEqual(table.check('ssl_certificate', 'server', 1, ';', '1.27.4'), first);
  });

  it('remembers exactly what a fresh table answers, for every shape of question', () => {
    const names = ['ssl_certificate', 'listen', 'proxy_pass', 'server', 'location', 'include', 'if', 'ssl_stapling', 'proxy_protocol', 'max_headers', 'ssl', 'nosuchdirective', 'add_header', 'map'];
    const versions = ['1.22.1', '1.25.0', '1.29.8'];
    const memoized = new DirectiveTable();
    for (const version of versions) {
      for (const name of names) {
        for (const context of CONTEXTS) {
          for (const terminator of TERMINATORS) {
            for (let args = 0; args <= 14; args++) {
              // Asked twice of the shared table (the second answer comes from memory),
              // once of a table that has never seen a question.
              memoized.check(name, context, args, terminator, version);
              const remembered = memoized.check(name, context, args, terminator, version);
              const fresh = new DirectiveTable().check(name, context, args, terminator, version);
              assert.deepEqual(remembered, fresh, `${name} in ${context}, ${args} args, ${terminator}, ${version}`);
            }
          }
        }
      }
    }
  });

  it('answers counts past nginx\'s argument limit like a fresh table (they share one remembered slot)', () => {
    const memoized = new DirectiveTable();
    for (const name of ['add_header', 'server_name', 'log_format', 'ssl_protocols', 'proxy_set_header']) {
      // The first question fills the slot of every count past the limit.
      memoized.check(name, 'server', 9, ';', '1.22.1');
      for (let args = 9; args <= 40; args += 7) {
        assert.deepEqual(memoized.check(name, 'server', args, ';', '1.22.1'), new DirectiveTable().check(name, 'server', args, ';', '1.22.1'), `${name} with ${args} args`);
      }
    }
  });
});

describe('contexts that accept a directive', () => {
  it('remembers, per version, what nginx\'s verdict on the directive in that context says', () => {
    const memoized = new DirectiveTable();
    const reference = new DirectiveTable();
    const names = [...reference.names(), 'nosuchdirective'];
    for (const version of ['1.22.1', '1.25.0', '1.29.8']) {
      for (const name of names) {
        for (const context of CHECKABLE_CONTEXTS) {
          // Accepted here unless nginx says unknown (in this version) or not allowed here.
          const verdict = reference.check(name, context, 1, ';', version).result;
          const expected = verdict !== 'unknown' && verdict !== 'unknown-in-version' && verdict !== 'not-allowed';
          memoized.isAllowedIn(name, context, version);
          assert.equal(memoized.isAllowedIn(name, context, version), expected, `${name} in ${context}, ${version}`);
        }
      }
    }
  });

  it('tells versions apart, and without a version counts every entry', () => {
    const table = new DirectiveTable();
    // `ssl on` was removed in 1.25.1; `proxy_pass` is no server-level directive in any version.
    assert.equal(table.isAllowedIn('ssl', 'server', '1.22.1'), true);
    assert.equal(table.isAllowedIn('ssl', 'server', '1.29.8'), false);
    assert.equal(table.isAllowedIn('ssl', 'server'), true);
    assert.equal(table.isAllowedIn('proxy_pass', 'location', '1.29.8'), true);
    assert.equal(table.isAllowedIn('proxy_pass', 'server', '1.29.8'), false);
    // Contexts nginx does not check, and include, accept anything.
    for (const context of ['custom-body', 'unknown'] as const) assert.equal(table.isAllowedIn('nosuchdirective', context, '1.29.8'), true);
    assert.equal(table.isAllowedIn('include', 'upstream', '1.29.8'), true);
  });
});

describe('value tables', () => {
  it('gives one shared answer per directive and revision, matched without case', () => {
    const protocols = allowedValues('ssl_protocols', '1.22.1');
    assert.equal(protocols?.kind, 'bitmask');
    assert.equal(allowedValues('ssl_protocols', '1.22.1'), protocols);
    assert.ok(protocols && isAllowed(protocols, 'tlsv1.3') && isAllowed(protocols, 'TLSv1.2'));
    assert.ok(protocols && !isAllowed(protocols, 'TLSv9'));
    assert.equal(allowedValues('no_such_directive', '1.22.1'), undefined);
    assert.equal(allowedValues('no_such_directive', '1.22.1'), undefined);
    // A hand-made set (no lower-case index) is still matched without case.
    assert.ok(isAllowed({ kind: 'enum', values: ['On', 'off'] }, 'ON'));
  });
});
