/**
 * Response headers, logging, compression, timeouts, static files and TLS session and buffer
 * tuning: directives whose arguments none of the TLS families (certificates, upstream TLS,
 * client verification, protocols…) nor the request-identity header families reads. Each of
 * those declares them, with the verify depths below, as its RuleFamily.argumentsUnread
 * (UNREAD_BY_TLS_FAMILIES; the header-inheritance family, which compares `add_header` lines,
 * without `add_header`; the client-chain family without `ssl_verify_depth`). Editing
 * inside such a directive's arguments (typing a header value) leaves what those families find
 * unchanged, so their last findings are moved instead of found again
 * (service/argumentEditReuse.ts). The families that check every directive (context, values)
 * declare nothing. A name belongs here only when no code those families run looks at it:
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

/**
 * How many intermediate CAs nginx accepts in a chain it verifies. Only the client-chain family
 * reads one of them: `ssl_verify_depth`, which it compares with the chain of a client
 * certificate that a server of the workspace receives; no family reads the upstream ones.
 */
export const VERIFY_DEPTH_DIRECTIVES: ReadonlySet<string> = new Set(['ssl_verify_depth', 'proxy_ssl_verify_depth', 'grpc_ssl_verify_depth', 'uwsgi_ssl_verify_depth']);

/** What the TLS and request-identity families declare unread (RuleFamily.argumentsUnread). */
export const UNREAD_BY_TLS_FAMILIES: ReadonlySet<string> = new Set([...RESPONSE_AND_TUNING_DIRECTIVES, ...VERIFY_DEPTH_DIRECTIVES]);

/** The same but `ssl_verify_depth`, which the client-chain family reads. */
export const UNREAD_BY_CLIENT_CHAINS: ReadonlySet<string> = without(UNREAD_BY_TLS_FAMILIES, 'ssl_verify_depth');

/** The same but `add_header`, whose lines the header-inheritance family compares between levels. */
export const UNREAD_BY_HEADER_INHERITANCE: ReadonlySet<string> = without(UNREAD_BY_TLS_FAMILIES, 'add_header');

function without(names: ReadonlySet<string>, left: string): ReadonlySet<string> {
  return new Set([...names].filter((name) => name !== left));
}
