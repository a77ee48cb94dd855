/**
 * Which settings the user set. VS Code answers a settings request with every value, defaults
 * included, so a language server cannot tell "left at the default" from "chosen". The project
 * file (.nginx-mtls.json) must win over a default but lose to a choice, so the client sends
 * only the settings set at some level (user, workspace, folder, or for a language), with the
 * value VS Code resolves for them. Pure, so that it is tested without VS Code.
 */

/** The parts of VS Code's `WorkspaceConfiguration.inspect()` answer that say a value was set. */
export interface InspectedSetting {
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
  globalLanguageValue?: unknown;
  workspaceLanguageValue?: unknown;
  workspaceFolderLanguageValue?: unknown;
}

export function isExplicitlySet(inspected: InspectedSetting | undefined): boolean {
  if (!inspected) return false;
  return [inspected.globalValue, inspected.workspaceValue, inspected.workspaceFolderValue,
    inspected.globalLanguageValue, inspected.workspaceLanguageValue, inspected.workspaceFolderLanguageValue].some((v) => v !== undefined);
}

/** The effective values of the keys that were set explicitly; keys left at their default are absent. */
export function explicitSettings(keys: Iterable<string>, inspect: (key: string) => InspectedSetting | undefined, effective: (key: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (isExplicitlySet(inspect(key))) out[key] = effective(key);
  return out;
}
