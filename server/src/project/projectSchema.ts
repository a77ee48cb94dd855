/**
 * The JSON schema of `.nginx-mtls.json`, with which VS Code validates and completes the file
 * (package.json `contributes.jsonValidation`). It is generated at build time
 * (scripts/bundle.mjs writes dist/nginx-mtls.schema.json) from the settings schema and the
 * rule registry, so types, defaults, allowed severities and the rule codes offered for
 * completion cannot drift from what the loader (projectConfig.ts) accepts.
 */
import { docsUrl } from '../analysis/finding';
import { allRules } from '../analysis/ruleRegistry';
import { RULE_SEVERITIES, SETTINGS_PREFIX, SETTINGS_SCHEMA, type SettingSchema } from '../service/settings';
import { PROJECT_FILE_NAME, PROJECT_KEYS, type ProjectKey } from './projectKeys';

/** What each key means in the file, where relative paths start from the file's folder. */
const FILE_DESCRIPTIONS: Record<ProjectKey, string> = {
  mainConfig: 'Path of the main `nginx.conf`, relative to this file\'s folder. Leave it out to find main configurations automatically (files named `nginx.conf` that contain `http {}` or `events {}`). Relative certificate paths in the configuration resolve against the folder of the main configuration, as nginx does.',
  pathMappings: 'Production path prefixes read from folders of this repository, e.g. `{"/etc/nginx": "deploy/nginx"}` (folders relative to this file\'s folder), so that `include /etc/nginx/conf.d/*.conf;` and `ssl_certificate /etc/nginx/ssl/server.crt;` open the checked-in files. A missing file under an absolute path that no mapping covers is reported as not checked (information), not as an error.',
  targetVersion: 'The nginx version the checks follow (defaults, removed directives, the wording of `nginx -t`), e.g. `1.22.1` for Debian 12.',
  certificateExpiryWarningDays: 'Warn when a certificate expires within this many days.',
  rules: 'Severity of a rule, or `"off"`, keyed by rule code, e.g. `{"tls.cert-validity": "off"}`. `nginx-mtls rules` lists the codes.',
  ignore: 'Files that are neither checked nor reported, as globs written like `.gitignore` lines, relative to this file\'s folder: `legacy.conf` (that name in any folder), `conf.d/old-*.conf` (from this folder), `vendor/` (everything below a folder). A configuration that includes an ignored file still reads it, as nginx does.',
};

type JsonSchema = Record<string, unknown>;

function keySchema(key: ProjectKey): JsonSchema {
  const binding = PROJECT_KEYS[key];
  const setting: SettingSchema = SETTINGS_SCHEMA[binding.setting];
  const schema: JsonSchema = {
    type: setting.type === 'number' ? 'integer' : setting.type,
    markdownDescription: `${FILE_DESCRIPTIONS[key]}\n\nEditor setting: \`${SETTINGS_PREFIX}.${binding.setting}\` (overrides this key when set). Command line: \`${binding.flag}\`.`,
    default: setting.default,
  };
  if (setting.minimum !== undefined) schema.minimum = setting.minimum;
  if (setting.maximum !== undefined) schema.maximum = setting.maximum;
  if (setting.enum) schema.enum = setting.enum;
  if (setting.items) schema.items = setting.items;
  if (key === 'targetVersion') schema.pattern = '^\\d+\\.\\d+(\\.\\d+)?$';
  if (key === 'pathMappings') schema.additionalProperties = setting.additionalProperties;
  if (key === 'rules') {
    // Every code is a property, so the editor completes codes and shows what each rule checks.
    const severity = { type: 'string', enum: [...RULE_SEVERITIES] };
    schema.properties = Object.fromEntries(allRules().map((rule) => [rule.code, {
      ...severity,
      markdownDescription: `${rule.title} (default: ${rule.severity}). [Documentation](${docsUrl(rule.code)})`,
    }]));
    schema.additionalProperties = false;
  }
  return schema;
}

export function projectSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    $schema: { type: 'string', markdownDescription: 'The schema of this file, for editors other than VS Code.' },
  };
  for (const key of Object.keys(PROJECT_KEYS) as ProjectKey[]) properties[key] = keySchema(key);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: PROJECT_FILE_NAME,
    markdownDescription: `Project settings of nginx-mtls, shared by the \`nginx-mtls check\` command line and the editor. JSON with comments. Editor settings that are set explicitly, and command-line options, override it.`,
    type: 'object',
    properties,
    additionalProperties: false,
  };
}
