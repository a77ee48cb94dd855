/**
 * A language server for tests whose rule families include one that always throws, to
 * check that a crash in one family is isolated and logged. tsc compiles it to
 * out/test/lsp/crashingServerMain.js, which runs under node like dist/server.js --stdio.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import type { RuleFamily } from '../../server/src/analysis/ruleContext';
import { RULE_FAMILIES } from '../../server/src/analysis/ruleRegistry';
import { startServer } from '../../server/src/server';

export const THROWING_FAMILY_NAME = 'test-throwing-family';

const throwingFamily: RuleFamily = {
  name: THROWING_FAMILY_NAME,
  rules: [{ code: 'test.always-throws', category: 'syntax', severity: 'error', title: 'Always throws', nginxRefuses: false }],
  run() {
    throw new Error('deliberate failure in the test rule family');
  },
};

if (require.main === module && process.argv.includes('--stdio')) {
  console.log = console.error;
  const connection = createConnection(ProposedFeatures.all);
  startServer(connection, { families: [...RULE_FAMILIES, throwingFamily] });
}
