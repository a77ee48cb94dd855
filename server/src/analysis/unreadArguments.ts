/**
 * Response headers, logging, compression, timeouts, static files and TLS session and buffer
 * tuning: directives whose arguments none of the TLS families (certificates, upstream TLS,
 * client verification, protocols…) nor the request-identity header families reads. Each of
 * those declares them, with the TLS settings few of them read (FEW_READ_TLS_SETTINGS), as its
 * RuleFamily.argumentsUnread, but for those it reads (unreadBut: the header-inheritance family
 * reads `add_header`, the protocol checks the protocols and ciphers…). Editing inside such a
 * directive's arguments (typing a header value) leaves what those families find unchanged, so
 * their last findings are moved instead of found again (service/argumentEditReuse.ts). The
 * families that check every directive (context, values) declare nothing. A name belongs here
 * only when no code those families run looks at it: test/analysis/unreadArguments.test.ts
 * checks that no source file of theirs names one (as a string, as a suffix joined to a prefix,
 * through a prefix or a regular expression that selects it), and
 * test/service/argumentEditReuse.test.ts inserts these directives into every rule fixture,
 * edits them and compares the reused findings with those of a fresh analysis.
 */
export const RESPONSE_AND_TUNING_DIRECTIVES: ReadonlySet<string> = new Set([
  'add_header', 'add_trailer', 'expires', 'etag',
  'error_log', 'log_not_found', 'server_tokens',
  'gzip', 'gzip_types', 'gzip_vary', 'gzip_min_length', 'gzip_comp_level', 'gzip_proxied',
  'client_max_body_size', 'client_body_timeout', 'client_header_timeout', 'keepalive_timeout', 'send_timeout',
  'proxy_read_timeout', 'proxy_send_timeout', 'proxy_connect_timeout', 'proxy_buffering', 'proxy_buffer_size', 'proxy_buffers',
  'sendfile', 'tcp_nopush', 'tcp_nodelay',
  'root', 'alias', 'index', 'autoindex', 'charset', 'default_type', 'limit_rate', 'client_body_buffer_size',
  'ssl_session_timeout', 'ssl_session_tickets', 'ssl_buffer_size', 'ssl_early_data', 'ssl_prefer_server_ciphers',
]);

/**
 * TLS settings that few families read, and that operators type at the http level of nginx.conf,
 * where a keystroke reaches every server: the verify depths (client-chains reads
 * `ssl_verify_depth`, no family the upstream ones), protocols and ciphers (the protocol checks
 * all of them, the OpenSSL checks the ciphers, plain-http-proxy-ssl the upstream ones), the
 * session cache (none), stapling (the certificate-file and OpenSSL checks), curves (the OpenSSL
 * checks), OpenSSL commands (none), the server's trusted CA file (the certificate families, the
 * client verification checks, upstream-tls for the CA its fix names, the OpenSSL checks for
 * stapling), the request headers sent upstream (the identity-header families, header
 * inheritance, upstream-tls for the Host header) and upstream verification (upstream-tls, session
 * reuse, which compares it between paths, the certificate-file checks, which know from it
 * whether nginx reads the upstream CA file, and the proxy-TLS checks of plain and stream passes).
 * Every other TLS family declares them unread.
 */
export const FEW_READ_TLS_SETTINGS: ReadonlySet<string> = new Set([
  'ssl_verify_depth', 'proxy_ssl_verify_depth', 'grpc_ssl_verify_depth', 'uwsgi_ssl_verify_depth',
  'ssl_protocols', 'proxy_ssl_protocols', 'grpc_ssl_protocols', 'uwsgi_ssl_protocols',
  'ssl_ciphers', 'proxy_ssl_ciphers', 'grpc_ssl_ciphers', 'uwsgi_ssl_ciphers',
  'ssl_session_cache', 'ssl_stapling', 'ssl_stapling_verify', 'ssl_ecdh_curve', 'ssl_conf_command', 'proxy_ssl_conf_command',
  'ssl_trusted_certificate', 'proxy_set_header',
  'proxy_ssl_verify', 'grpc_ssl_verify', 'uwsgi_ssl_verify',
]);

/** The upstream verification switches, which the families reading them read only as on or not (RuleFamily.argumentsReadAsSwitch). */
export const UPSTREAM_VERIFY_SWITCHES: ReadonlySet<string> = new Set(['proxy_ssl_verify', 'grpc_ssl_verify', 'uwsgi_ssl_verify']);

/** What the TLS and request-identity families declare unread (RuleFamily.argumentsUnread), but for those they read: see unreadBut(). */
export const UNREAD_BY_TLS_FAMILIES: ReadonlySet<string> = new Set([...RESPONSE_AND_TUNING_DIRECTIVES, ...FEW_READ_TLS_SETTINGS]);

/** UNREAD_BY_TLS_FAMILIES without the directives a family reads (each must be one of them). */
export function unreadBut(...read: string[]): ReadonlySet<string> {
  for (const name of read) if (!UNREAD_BY_TLS_FAMILIES.has(name)) throw new Error(`${name} is not among the directives the TLS families declare unread`);
  return new Set([...UNREAD_BY_TLS_FAMILIES].filter((name) => !read.includes(name)));
}

/** `add_header` and `proxy_set_header`, whose lines the header-inheritance family compares between levels. */
export const UNREAD_BY_HEADER_INHERITANCE: ReadonlySet<string> = unreadBut('add_header', 'proxy_set_header');
