/**
 * Directives whose arguments none of the TLS rule families reads: response headers, logging
 * and timeouts. Editing inside such a directive's arguments (typing a header value) leaves
 * what those families find unchanged, so their last findings are moved instead of found
 * again (see RuleFamily.argumentsUnread and service/argumentEditReuse.ts). A name belongs here
 * only when no rule of those families, and no model helper they call, looks at it:
 * test/analysis/unreadArguments.test.ts checks that no source file of theirs names one, and
 * test/service/argumentEditReuse.test.ts compares reused findings with fresh ones after
 * edits of every directive of every rule fixture.
 */
export const UNREAD_BY_TLS_FAMILIES: ReadonlySet<string> = new Set([
  'add_header', 'add_trailer', 'expires', 'etag',
  'error_log', 'log_not_found', 'server_tokens',
  'gzip', 'gzip_types', 'gzip_vary', 'gzip_min_length', 'gzip_comp_level', 'gzip_proxied',
  'client_max_body_size', 'client_body_timeout', 'client_header_timeout', 'keepalive_timeout', 'send_timeout',
  'proxy_read_timeout', 'proxy_send_timeout', 'proxy_connect_timeout', 'proxy_buffering', 'proxy_buffer_size', 'proxy_buffers',
  'sendfile', 'tcp_nopush', 'tcp_nodelay',
]);
