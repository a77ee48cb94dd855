/** A configuration text for edit tests (incremental parse and rebuild), generated, not pasted. */

/** Text shaped like the benchmark's main config: many TLS servers with locations and comments. */
export function benchLikeText(servers: number): string {
  const parts = ['# main config', 'worker_processes 2;', 'events { worker_connections 64; }', 'http {', '    map $ssl_client_s_dn $who {', '        default "";', '        ~CN=(?<cn>[^,]+) $cn;', '    }'];
  for (let i = 0; i < servers; i++) {
    parts.push(
      `    upstream backend${i} { server 10.0.0.${i % 250}:8443; keepalive 4; }`,
      '    server {',
      `        listen ${8000 + i} ssl; # port ${i}`,
      `        server_name site${i}.example.com;`,
      `        ssl_certificate /etc/nginx/ssl/site${i}.crt;`,
      `        ssl_certificate_key "/etc/nginx/ssl/site${i}.key";`,
      '        ssl_verify_client on;',
      '        # a comment line inside the server',
      '        location / {',
      `            proxy_pass https://backend${i};`,
      '            proxy_ssl_verify on;',
      `            add_header X-Site "s${i}" always;`,
      '            if ($ssl_client_verify != "SUCCESS") { return 403; }',
      '        }',
      i % 5 === 0 ? "        access_by_lua_block { if ngx.var.x == '}' then return end -- }\n        }" : '        location = /health { return 200 "ok"; }',
      '    }',
    );
  }
  parts.push('}', '');
  return parts.join('\n');
}
