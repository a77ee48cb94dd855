/**
 * Response headers, logging, compression, timeouts, static files and TLS session and buffer
 * tuning: directives whose
 * arguments none of the TLS families (certificates, upstream TLS, client verification,
 * protocols…) nor the request-identity header families reads; each of those declares this set as its
 * RuleFamily.argumentsUnread. Editing inside such a directive's arguments (typing a header
 * value) leaves what those families find unchanged, so their last findings are moved instead
 * of found again (service/argumentEditReuse.ts). The header-inheritance family, which compares
 * `add_header` lines, declares the set without `add_header`; the families that check every
 * directive (context, values) declare nothing. A name belongs here only when no code those families run looks at it:
 * test/analysis/unreadArguments.test.ts checks that no source file of theirs names one, and
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

/** The same directives but `add_header`, whose lines the header-inheritance family compares between levels. */
export const RESPONSE_AND_TUNING_BUT_ADD_HEADER: ReadonlySet<string> = new Set([...RESPONSE_AND_TUNING_DIRECTIVES].filter((name) => name !== 'add_header'));
