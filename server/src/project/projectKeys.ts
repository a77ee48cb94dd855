/**
 * Which key of `.nginx-mtls.json` is which editor setting and which command-line option.
 * One table, so that the three stay in agreement (test/project/agreement.test.ts checks the
 * schema, package.json and the CLI's help against it). Everything the settings and the CLI
 * share is a key of the file; what only one of them has is listed below with the reason.
 */
import type { SettingName } from '../service/settings';

export const PROJECT_FILE_NAME = '.nginx-mtls.json';

/** The keys of the project file: the settings a project shares between editor and CI. */
export type ProjectKey = 'mainConfig' | 'pathMappings' | 'targetVersion' | 'certificateExpiryWarningDays' | 'rules' | 'ignore';

export interface ProjectKeyBinding {
  /** The setting `nginxMtls.<setting>` (same type, default and allowed values). */
  setting: SettingName;
  /** The `check` option; `repeatable` options take one entry each time (`--rule a=off --rule b=off`). */
  flag: string;
  repeatable: boolean;
}

export const PROJECT_KEYS: Record<ProjectKey, ProjectKeyBinding> = {
  mainConfig: { setting: 'mainConfig', flag: '--main', repeatable: false },
  pathMappings: { setting: 'pathMappings', flag: '--map', repeatable: true },
  targetVersion: { setting: 'targetVersion', flag: '--target-version', repeatable: false },
  certificateExpiryWarningDays: { setting: 'certificateExpiryWarningDays', flag: '--expiry-warning-days', repeatable: false },
  rules: { setting: 'rules', flag: '--rule', repeatable: true },
  ignore: { setting: 'ignore', flag: '--ignore', repeatable: true },
};

/** Settings that are not keys of the project file, and why. */
export const EDITOR_ONLY_SETTINGS: Record<string, string> = {
  validationDelayMs: 'how long the editor waits after typing; a command line does not type',
  'trace.server': 'traces the editor\'s conversation with the language server',
  validationWorker: 'where the language server checks (its own thread or a worker); the command line checks once',
  'format.splitStatements': 'only the editor formats; the command line checks',
  'format.expandOneLineBlocks': 'only the editor formats; the command line checks',
  'inlayHints.certificateExpiry': 'inlay hints are shown by the editor only',
  'inlayHints.effectiveDefaults': 'inlay hints are shown by the editor only',
};

/** `check` options that are not keys of the project file, and why. */
export const CLI_ONLY_FLAGS: Record<string, string> = {
  '--format': 'how one run prints its findings, chosen by whoever runs it',
  '--context': 'a guess for lone files in one run; files declare theirs with a "# nginx-mtls-context:" comment, which the editor reads too',
  '--now': 'judges certificates at another date, for reproducing one run',
  '--fix': 'an action, not a setting',
  '--dry-run': 'an action, not a setting',
  '--config': 'names the project file itself',
  '--no-config': 'ignores the project file',
  '--help': 'prints the help',
  '--version': 'prints the version',
};
