/**
 * "Explain this rule": the rule's documentation, bundled with the language server, opened
 * read-only. From a diagnostic's code action it gets the code; from the palette it asks with
 * a quick pick of every rule.
 */
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { Commands, LANGUAGE_ID, ServerCommands } from '../../common/protocol';
import { ReadOnlyMarkdownProvider } from './readOnlyMarkdown';
import {
  codeOfRuleDocPath, explainActionTitle, ruleCodeOfDiagnostic, ruleDocPath, ruleQuickPickItems, RULE_DOC_SCHEME, type ListedRule,
} from './readOnlyDocumentNames';

/** Registers the document provider, the command and the code action; all go into `subscriptions`. */
export function registerExplainRule(client: LanguageClient, subscriptions: vscode.Disposable[]): void {
  const provider = new ReadOnlyMarkdownProvider(RULE_DOC_SCHEME, async (uri) => {
    const code = codeOfRuleDocPath(uri.path);
    if (!code) return undefined;
    const markdown = await client.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.explainRule, arguments: [code] });
    return typeof markdown === 'string' ? markdown : `No nginx-mtls rule has the code \`${code}\`.`;
  });
  subscriptions.push(
    provider,
    vscode.commands.registerCommand(Commands.explainRule, async (code: unknown) => {
      const chosen = typeof code === 'string' && code !== '' ? code : await pickRule(client);
      if (chosen) await provider.show(vscode.Uri.from({ scheme: RULE_DOC_SCHEME, path: ruleDocPath(chosen) }));
    }),
    vscode.languages.registerCodeActionsProvider({ language: LANGUAGE_ID }, {
      provideCodeActions(_document, _range, context) {
        const codes = new Set(context.diagnostics.flatMap((d) => ruleCodeOfDiagnostic(d) ?? []));
        return [...codes].map((c) => {
          const action = new vscode.CodeAction(explainActionTitle(c), vscode.CodeActionKind.QuickFix);
          action.command = { command: Commands.explainRule, title: explainActionTitle(c), arguments: [c] };
          return action;
        });
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
}

async function pickRule(client: LanguageClient): Promise<string | undefined> {
  const rules = await client.sendRequest(ExecuteCommandRequest.type, { command: ServerCommands.listRules });
  if (!Array.isArray(rules)) {
    void vscode.window.showWarningMessage('The nginx mTLS language server did not list its rules; is it running?');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(ruleQuickPickItems(rules as ListedRule[]), {
    title: 'Explain an nginx-mtls rule', placeHolder: 'Rule code or words of its title', matchOnDescription: true,
  });
  return picked?.code;
}
