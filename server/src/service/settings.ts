/**
 * The one typed settings schema of nginx-mtls. The VS Code manifest
 * (package.json `contributes.configuration`) is kept equal to it by a test, and the
 * language server validates every value it receives against it: settings come from the
 * user's workspace and are untrusted.
 */

/** The values a rule's severity can be set to, in the order messages list them. */
export const RULE_SEVERITIES = ['off', 'error', 'warning', 'information', 'hint'] as const;

export type RuleSeveritySetting = typeof RULE_SEVERITIES[number];

export interface NginxMtlsSettings {
  /** Path of the main nginx.conf; relative paths are resolved against the workspace folder. Empty: found automatically. */
  mainConfig: string;
  /** Production path prefixes mapped onto workspace folders, e.g. {"/etc/nginx": "deploy/nginx"}. */
  pathMappings: Record<string, string>;
  /** nginx version whose behaviour and wording the checks follow. */
  targetVersion: string;
  /** Warn when a certificate expires within this many days. */
  certificateExpiryWarningDays: number;
  /** Per-rule severity overrides keyed by rule code; "off" disables a rule. */
  rules: Record<string, RuleSeveritySetting>;
  /** Delay between the last keystroke and validation, in milliseconds. */
  validationDelayMs: number;
  /** Line breaks the formatter may add (both off by default: it only re-indents and re-spaces). */
  format: FormatSettings;
  /** Which inlay hints the language server sends (`nginxMtls.inlayHints.*`). */
  inlayHints: InlayHintSettings;
  /** Globs of files neither checked nor reported (see project/ignoreGlobs.ts); relative ones resolve against the workspace folder. */
  ignore: string[];
}

export interface FormatSettings {
  /** Put each statement of `a on; b off;` on a line of its own. */
  splitStatements: boolean;
  /** Spread a one-line block over several lines. */
  expandOneLineBlocks: boolean;
}

export interface InlayHintSettings {
  /** "expires in 12 days" after a certificate path that is expired or expires within certificateExpiryWarningDays. */
  certificateExpiry: boolean;
  /** "proxy_ssl_verify off (default)" where a block relies on an insecure TLS default. */
  effectiveDefaults: boolean;
}

/**
 * Names of the settings as the editor knows them: nested settings are written with dots
 * (`inlayHints.certificateExpiry`, `format.splitStatements`), and arrive as nested objects.
 */
export type SettingName = Exclude<keyof NginxMtlsSettings, 'inlayHints' | 'format'>
  | `inlayHints.${keyof InlayHintSettings}` | `format.${keyof FormatSettings}`;

/** A JSON-schema-like description of one setting, mirrored in package.json. */
export interface SettingSchema {
  type: 'string' | 'number' | 'object' | 'boolean' | 'array';
  default: unknown;
  markdownDescription: string;
  scope: 'resource' | 'window' | 'machine-overridable';
  minimum?: number;
  maximum?: number;
  enum?: string[];
  additionalProperties?: unknown;
  items?: unknown;
}

export const SETTINGS_PREFIX = 'nginxMtls';

/** Newest stable nginx line at the time of writing; versions are compared numerically. */
export const DEFAULT_TARGET_VERSION = '1.30.0';

export const SETTINGS_SCHEMA: Record<SettingName, SettingSchema> = {
  mainConfig: {
    type: 'string',
    default: '',
    scope: 'resource',
    markdownDescription:
      'Path of the main `nginx.conf`. Relative paths resolve against the workspace folder. Leave empty to find it automatically (a file named `nginx.conf` that contains `http {}` or `events {}`). Relative certificate paths resolve against the directory of this file, as nginx does.',
  },
  pathMappings: {
    type: 'object',
    default: {},
    scope: 'resource',
    additionalProperties: { type: 'string' },
    markdownDescription:
      'Map production path prefixes onto folders of the workspace, e.g. `{"/etc/nginx": "deploy/nginx"}`, so that `include /etc/nginx/conf.d/*.conf;` and `ssl_certificate /etc/nginx/ssl/server.crt;` open the files of your checkout. A file missing here under an absolute path outside the workspace that no mapping covers (such as `/etc/letsencrypt/live/…`) is reported as not checked rather than as an error; its quick fix adds a mapping.',
  },
  targetVersion: {
    type: 'string',
    default: DEFAULT_TARGET_VERSION,
    scope: 'resource',
    markdownDescription:
      'The nginx version the checks follow (defaults, removed directives, the wording of `nginx -t`), e.g. `1.22.1` for Debian 12 or `1.30.0`.',
  },
  certificateExpiryWarningDays: {
    type: 'number',
    default: 30,
    minimum: 0,
    maximum: 3650,
    scope: 'resource',
    markdownDescription: 'Warn when a certificate expires within this many days.',
  },
  rules: {
    type: 'object',
    default: {},
    scope: 'resource',
    additionalProperties: { type: 'string', enum: [...RULE_SEVERITIES] },
    markdownDescription:
      'Change the severity of a rule or switch it off, keyed by rule code, e.g. `{"tls.cert-validity": "off", "nginx.unknown-directive": "warning"}`.',
  },
  validationDelayMs: {
    type: 'number',
    default: 150,
    minimum: 0,
    maximum: 5000,
    scope: 'window',
    markdownDescription: 'Milliseconds to wait after the last edit before checking the file again.',
  },
  'format.splitStatements': {
    type: 'boolean',
    default: false,
    scope: 'resource',
    markdownDescription: 'When formatting, put each statement of a line such as `a on; b off;` on a line of its own.',
  },
  'format.expandOneLineBlocks': {
    type: 'boolean',
    default: false,
    scope: 'resource',
    markdownDescription: 'When formatting, spread a block written on one line, such as `location / { return 204; }`, over several lines. Empty blocks (`events {}`) and `map`, `geo` and `types` tables stay as they are.',
  },
  'inlayHints.certificateExpiry': {
    type: 'boolean',
    default: true,
    scope: 'resource',
    markdownDescription: 'Show an inlay hint such as `expires in 12 days` after a certificate or CA path whose certificate has expired, is not valid yet, or expires within `#nginxMtls.certificateExpiryWarningDays#` days.',
  },
  'inlayHints.effectiveDefaults': {
    type: 'boolean',
    default: true,
    scope: 'resource',
    markdownDescription: 'Show an inlay hint with the value nginx uses where a block relies on a TLS default that matters, such as `proxy_ssl_verify off (default)` after a TLS `proxy_pass`. Shown only when every enclosing block is known.',
  },
  ignore: {
    type: 'array',
    default: [],
    scope: 'resource',
    items: { type: 'string' },
    markdownDescription:
      'Files that are neither checked nor reported, as globs written like `.gitignore` lines: `legacy.conf` (that name in any folder), `conf.d/old-*.conf` (relative to the workspace folder), `vendor/` (everything below a folder). Added to the `ignore` list of `.nginx-mtls.json`.',
  },
};

export const DEFAULT_SETTINGS: NginxMtlsSettings = {
  mainConfig: '',
  pathMappings: {},
  targetVersion: DEFAULT_TARGET_VERSION,
  certificateExpiryWarningDays: 30,
  rules: {},
  validationDelayMs: 150,
  format: { splitStatements: false, expandOneLineBlocks: false },
  inlayHints: { certificateExpiry: true, effectiveDefaults: true },
  ignore: [],
};

const SEVERITY_VALUES = new Set<string>(RULE_SEVERITIES);

/** A JSON object (not null, not an array): what settings and the project file nest. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function clampNumber(value: unknown, schema: SettingSchema, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  const min = schema.minimum ?? -Infinity;
  const max = schema.maximum ?? Infinity;
  return Math.min(max, Math.max(min, value));
}

function stringRecord(value: unknown, accept: (v: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPlainObject(value)) return out;
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && accept(v)) out[key] = v;
  }
  return out;
}

/** Turns whatever the client sent into valid settings, falling back to defaults value by value. */
export function normalizeSettings(raw: unknown): NginxMtlsSettings {
  const input = isPlainObject(raw) ? raw : {};
  const version = typeof input.targetVersion === 'string' && /^\d+\.\d+(\.\d+)?$/.test(input.targetVersion.trim())
    ? input.targetVersion.trim()
    : DEFAULT_SETTINGS.targetVersion;
  return {
    mainConfig: typeof input.mainConfig === 'string' ? input.mainConfig : DEFAULT_SETTINGS.mainConfig,
    pathMappings: stringRecord(input.pathMappings, () => true),
    targetVersion: version,
    certificateExpiryWarningDays: clampNumber(
      input.certificateExpiryWarningDays, SETTINGS_SCHEMA.certificateExpiryWarningDays, DEFAULT_SETTINGS.certificateExpiryWarningDays),
    rules: stringRecord(input.rules, (v) => SEVERITY_VALUES.has(v)) as Record<string, RuleSeveritySetting>,
    validationDelayMs: clampNumber(input.validationDelayMs, SETTINGS_SCHEMA.validationDelayMs, DEFAULT_SETTINGS.validationDelayMs),
    format: nestedFlags(input, 'format', DEFAULT_SETTINGS.format),
    inlayHints: nestedFlags(input, 'inlayHints', DEFAULT_SETTINGS.inlayHints),
    ignore: Array.isArray(input.ignore) ? input.ignore.filter((g): g is string => typeof g === 'string' && g.trim() !== '') : [],
  };
}

/**
 * A group of boolean settings, given nested (`{"inlayHints": {"certificateExpiry": false}}`, as
 * VS Code sends them) or as dotted keys (`"format.splitStatements": true`); a value that is not a
 * boolean falls back to the default.
 */
function nestedFlags<T extends object>(input: Record<string, unknown>, group: string, defaults: T): T {
  const nested = isPlainObject(input[group]) ? input[group] as Record<string, unknown> : {};
  const out = { ...defaults } as Record<string, boolean>;
  for (const key of Object.keys(defaults)) {
    const value = nested[key] ?? input[`${group}.${key}`];
    if (typeof value === 'boolean') out[key] = value;
  }
  return out as T;
}
