/**
 * Common HTTP header names offered when completing header-setting directives. Curated by
 * hand (not from nginx: nginx accepts any field name); each has a one-line description.
 * Request headers are what a proxy sends upstream; response headers are what the client gets.
 */

export interface HeaderName {
  name: string;
  description: string;
}

export const REQUEST_HEADERS: readonly HeaderName[] = [
  { name: 'Host', description: 'Host and port the client asked for; `$host` keeps the original name upstream.' },
  { name: 'X-Real-IP', description: 'Address of the client as nginx saw it (`$remote_addr`).' },
  { name: 'X-Forwarded-For', description: 'Chain of client and proxy addresses (`$proxy_add_x_forwarded_for`).' },
  { name: 'X-Forwarded-Proto', description: 'Scheme the client used (`$scheme`).' },
  { name: 'X-Forwarded-Host', description: 'Host the client asked for, when Host is rewritten.' },
  { name: 'X-Forwarded-Port', description: 'Port the client connected to (`$server_port`).' },
  { name: 'Forwarded', description: 'Standard (RFC 7239) form of the X-Forwarded-* headers.' },
  { name: 'Connection', description: 'Hop-by-hop control: `""` enables upstream keepalive, `$connection_upgrade` for WebSocket.' },
  { name: 'Upgrade', description: 'Protocol switch such as WebSocket (`$http_upgrade`).' },
  { name: 'Authorization', description: 'Credentials for the upstream; an empty value removes the client\'s.' },
  { name: 'Cookie', description: 'Cookies sent to the upstream.' },
  { name: 'User-Agent', description: 'Client software identification.' },
  { name: 'Accept-Encoding', description: 'Compressions the upstream may use; `""` asks for an uncompressed body.' },
  { name: 'Origin', description: 'Origin of a cross-site request.' },
  { name: 'Referer', description: 'Page that linked to the request.' },
  { name: 'X-Request-ID', description: 'Request identifier for tracing (`$request_id`).' },
  { name: 'X-Client-Cert', description: 'mTLS: the verified client certificate, URL-encoded PEM (`$ssl_client_escaped_cert`).' },
  { name: 'X-Client-Verify', description: 'mTLS: result of client certificate verification (`$ssl_client_verify`).' },
  { name: 'X-Client-DN', description: 'mTLS: subject DN of the client certificate (`$ssl_client_s_dn`).' },
  { name: 'X-Client-Issuer-DN', description: 'mTLS: issuer DN of the client certificate (`$ssl_client_i_dn`).' },
  { name: 'X-Client-Serial', description: 'mTLS: serial number of the client certificate (`$ssl_client_serial`).' },
  { name: 'X-Client-Fingerprint', description: 'mTLS: SHA-1 fingerprint of the client certificate (`$ssl_client_fingerprint`).' },
  { name: 'X-SSL-Protocol', description: 'TLS protocol of the client connection (`$ssl_protocol`).' },
  { name: 'X-SSL-Cipher', description: 'Cipher of the client connection (`$ssl_cipher`).' },
];

export const RESPONSE_HEADERS: readonly HeaderName[] = [
  { name: 'Strict-Transport-Security', description: 'HSTS: browsers use HTTPS only for `max-age` seconds; add `always`.' },
  { name: 'Content-Security-Policy', description: 'Which sources scripts, styles, frames... may load from.' },
  { name: 'Content-Security-Policy-Report-Only', description: 'A policy that is reported, not enforced.' },
  { name: 'X-Frame-Options', description: 'Whether the page may be framed (`DENY`, `SAMEORIGIN`).' },
  { name: 'X-Content-Type-Options', description: '`nosniff`: browsers keep the declared Content-Type.' },
  { name: 'Referrer-Policy', description: 'How much of the URL is sent as Referer.' },
  { name: 'Permissions-Policy', description: 'Which browser features the page may use.' },
  { name: 'Cross-Origin-Opener-Policy', description: 'Isolates the browsing context from cross-origin windows.' },
  { name: 'Cross-Origin-Embedder-Policy', description: 'Requires cross-origin resources to opt in to being embedded.' },
  { name: 'Cross-Origin-Resource-Policy', description: 'Who may embed this resource.' },
  { name: 'Access-Control-Allow-Origin', description: 'CORS: origins allowed to read the response.' },
  { name: 'Access-Control-Allow-Methods', description: 'CORS: methods allowed in a preflighted request.' },
  { name: 'Access-Control-Allow-Headers', description: 'CORS: request headers allowed in a preflighted request.' },
  { name: 'Access-Control-Allow-Credentials', description: 'CORS: whether credentials may be sent.' },
  { name: 'Access-Control-Expose-Headers', description: 'CORS: response headers scripts may read.' },
  { name: 'Access-Control-Max-Age', description: 'CORS: how long a preflight result is cached.' },
  { name: 'Cache-Control', description: 'Caching rules for browsers and shared caches.' },
  { name: 'Expires', description: 'Date after which the response is stale (see also the `expires` directive).' },
  { name: 'Vary', description: 'Request headers the response depends on.' },
  { name: 'Content-Disposition', description: 'Display inline or download as a file.' },
  { name: 'Link', description: 'Related resources, e.g. preload hints.' },
  { name: 'Server-Timing', description: 'Timing metrics for the browser\'s developer tools.' },
  { name: 'X-Robots-Tag', description: 'Indexing rules for search engines.' },
  { name: 'Alt-Svc', description: 'Advertises other protocols, e.g. HTTP/3 (`h3=":443"`).' },
  { name: 'Set-Cookie', description: 'Sets a cookie in the browser.' },
  { name: 'X-Request-ID', description: 'Request identifier for tracing (`$request_id`).' },
];
