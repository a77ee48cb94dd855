/**
 * A configuration spread over included files that defines one of each user symbol (map,
 * geo and set variables, upstreams in http and stream, named locations in two servers),
 * accepted by nginx 1.22 as written. Shared by the service and the LSP tests.
 */
import { pki } from '../certificates/fixtures';
import { mainConfig } from './authoringHelpers';

/** Debian's nginx builds stream as a dynamic module. */
export const STREAM_MODULE = '/usr/lib/nginx/modules/ngx_stream_module.so';

export function SYMBOL_FILES(dir: string): Record<string, string> {
  const tls = pki('ec');
  return {
    'nginx.conf': [
      `load_module ${STREAM_MODULE};`,
      mainConfig(dir, '    include conf.d/*.conf;\n    include sites/*.conf;'),
      'stream {',
      '    map $remote_addr $connection_upgrade { default 1; }',
      '    upstream backend { server 127.0.0.1:9443; }',
      '    server { listen 127.0.0.1:19443; proxy_pass backend; }',
      '}',
      '',
    ].join('\n'),
    'conf.d/maps.conf': [
      '# Upgrade handling for websockets',
      'map $http_upgrade $connection_upgrade {',
      '    default upgrade;',
      "    ''      close;",
      '}',
      'geo $remote_addr $is_internal {',
      '    default 0;',
      '    10.0.0.0/8 1;',
      '}',
      'upstream backend {',
      '    server 127.0.0.1:8081;',
      '}',
      '',
    ].join('\n'),
    'sites/app.conf': [
      'server {',
      '    listen 127.0.0.1:18080;',
      '    server_name app.example.test ~^(?<sub>.+)\\.example\\.test$;',
      '    set $target "${connection_upgrade}-x";',
      '    location ~ \\.php$ {',
      '        fastcgi_pass backend;',
      '    }',
      '    location / {',
      '        proxy_set_header Connection $Connection_Upgrade;',
      "        proxy_set_header X-Target '$target';",
      '        proxy_set_header X-Sub $sub;',
      '        proxy_pass http://backend;',
      '        try_files $uri @fallback;',
      '    }',
      '    location @fallback {',
      '        if ($is_internal) { return 403; }',
      '        return 404;',
      '    }',
      '}',
      'server {',
      '    listen 127.0.0.1:18081;',
      '    add_header X-Host $host;',
      '    error_page 404 @fallback;',
      '    location @fallback { return 200; }',
      '}',
      '',
    ].join('\n'),
    'sites/tls.conf': [
      'server {',
      '    listen 127.0.0.1:18443 ssl;',
      '    ssl_certificate ssl/app.crt;',
      '    ssl_certificate_key "ssl/app.key";',
      '}',
      '',
    ].join('\n'),
    'ssl/app.crt': tls.server.pem + tls.issuer.pem,
    'ssl/app.key': tls.server.key.pem,
  };
}
