/**
 * Shapes of the generated directive table (server/src/directives/data/directives.json).
 *
 * The table is generated from nginx's own `ngx_command_t` tables (and those of the
 * third-party modules Debian ships), so the flag names are nginx's macro names verbatim:
 * context bits such as `NGX_HTTP_LOC_CONF` and argument bits such as `NGX_CONF_TAKE12`.
 * Context bits are only meaningful together with the module type, because nginx reuses
 * the same bit values for http, stream and mail modules.
 */

/** The `type` of the nginx module that declares a command (NGX_CORE_MODULE and friends). */
export type ModuleType = 'CORE' | 'EVENT' | 'HTTP' | 'STREAM' | 'MAIL';

/** One `ngx_command_t` entry. A name may have several (e.g. `ssl_certificate` in http, stream, mail). */
export interface DirectiveEntry {
  /** Module that declares the command, e.g. `ngx_http_ssl_module`. */
  module: string;
  moduleType: ModuleType;
  /** nginx flag macro names, e.g. `["NGX_HTTP_MAIN_CONF", "NGX_HTTP_SRV_CONF", "NGX_CONF_TAKE1"]`. */
  flags: string[];
  /** First nginx version with the directive, when known. */
  since?: string;
  /** First nginx version without the directive (e.g. `ssl` removed in 1.25.1). */
  removedIn?: string;
  /**
   * Flags of older nginx releases that differ from `flags`, by version (e.g. `ssl_ocsp` in
   * `"1.22.1"` took NGX_CONF_FLAG, now NGX_CONF_TAKE1). Only the compared releases are listed.
   */
  flagsByVersion?: Record<string, string[]>;
  /** True when Debian 12's nginx-full (or its libnginx-mod-* packages) provides the module. */
  debianFull?: boolean;
  /** True for modules that are not part of nginx itself (lua, headers-more, njs...). */
  thirdParty?: boolean;
  /** Default value as documented, e.g. `ssl_verify_client off;` → `off`. */
  default?: string;
  /** Documented syntax lines, e.g. `ssl_verify_client on | off | optional | optional_no_ca;`. */
  syntax?: string[];
  /** Documentation URL. */
  url?: string;
}

export interface DirectiveTableData {
  /** Where the data came from: repositories, commits, versions. */
  source: Record<string, unknown>;
  directives: Record<string, DirectiveEntry[]>;
}
