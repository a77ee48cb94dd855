/**
 * How a user changes what the checker knows, in the words of the surface showing the
 * message: the command line has flags (`--target-version`), the editor has settings
 * (`nginxMtls.targetVersion`). Rules never name either directly; they ask here, so a CI log
 * never tells someone to edit an editor setting they do not have.
 */
import { SETTINGS_PREFIX, type NginxMtlsSettings } from '../service/settings';

/** Where findings are shown. The editor is the default: the language server is the main user. */
export type Surface = 'cli' | 'editor';

/** The knobs a message may point at. */
export type SettingKind = 'targetVersion' | 'pathMappings' | 'mainConfig' | 'rules';

const CLI_FLAGS: Record<SettingKind, { flag: string; value: string }> = {
  targetVersion: { flag: '--target-version', value: '<x.y.z>' },
  pathMappings: { flag: '--map', value: '<production prefix>=<local folder>' },
  mainConfig: { flag: '--main', value: '<nginx.conf>' },
  rules: { flag: '--rule', value: '<code>=<severity>' },
};

const SETTING_KEYS: Record<SettingKind, keyof NginxMtlsSettings> = {
  targetVersion: 'targetVersion',
  pathMappings: 'pathMappings',
  mainConfig: 'mainConfig',
  rules: 'rules',
};

/**
 * A phrase naming how to change `kind` on `surface`, to follow words such as "set it with"
 * or "change it with": `--target-version <x.y.z>` on the command line, `the
 * nginxMtls.targetVersion setting` in the editor.
 *
 * `example` is written as the flag's value (`1.22.1`, `/etc/nginx=<local folder>`,
 * `tls.cert-validity=off`): the command line shows it after the flag, the editor shows the
 * same value as the setting's JSON (`"1.22.1"`, `{"/etc/nginx": "<local folder>"}`).
 */
export function settingHint(kind: SettingKind, surface: Surface = 'editor', example?: string): string {
  if (surface === 'cli') {
    const { flag, value } = CLI_FLAGS[kind];
    return `${flag} ${example ?? value}`;
  }
  const setting = `the ${SETTINGS_PREFIX}.${SETTING_KEYS[kind]} setting`;
  return example === undefined ? setting : `${setting}, e.g. ${asSettingValue(kind, example)}`;
}

/** A flag value as the JSON the editor setting takes: maps for `key=value` kinds, else a string. */
function asSettingValue(kind: SettingKind, example: string): string {
  const eq = example.indexOf('=');
  if ((kind === 'pathMappings' || kind === 'rules') && eq > 0) {
    return `{${JSON.stringify(example.slice(0, eq))}: ${JSON.stringify(example.slice(eq + 1))}}`;
  }
  return JSON.stringify(example);
}
