/**
 * A check of a small made-up configuration, run once when the server is initialized and no
 * document is open yet. The first real check otherwise runs every parser, model and rule
 * function for the first time, and V8 compiles each on its first call: over stdio on an idle
 * machine, the e2e's example file took 53-61 ms to its first diagnostics without the warm-up
 * and 38-47 ms after it (in the loaded e2e, a first check of 64-175 ms became 30-52 ms; issue
 * #15). The editor usually starts the server before the user clicks a file (`workspaceContains`
 * activation), so the warm-up runs in time that is otherwise idle.
 *
 * It runs in a language service of its own, on a file system that holds nothing: no
 * configuration is read from disk, nothing is published, and the server's own service (its
 * caches, its watched files) never sees it. The certificate files it names are in a directory
 * that does not exist; the certificate inspector stats them (it reads certificates from disk
 * itself) and finds nothing. A document opened meanwhile calls it off (see
 * {@link EngineWarmUp.cancel}): the analysis gives the thread back between rule families, and
 * stops at the next of those turns.
 */
import { AnalysisCancelled } from '../analysis/analyzer';
import type { FileSystem } from '../model/fileSystem';
import { NginxLanguageService } from '../service/languageService';

/** Where the made-up main config is said to be. */
export const WARM_UP_MAIN = '/nonexistent-nginx-mtls-warm-up/nginx.conf';

/**
 * The two documented servers (A: terminates mTLS and forwards the client certificate; B: presents
 * a client certificate upstream), a map, an upstream, an `if`, an include and a stream server:
 * the paths a first real check takes. The certificate files do not exist, so the checks of missing
 * files run too.
 */
export const WARM_UP_CONFIG = `user nginx;
worker_processes auto;
events { worker_connections 1024; }
http {
    include mime.types;
    map $ssl_client_verify $client_ok { default 0; SUCCESS 1; }
    upstream backend { server 127.0.0.1:8443; keepalive 8; }
    server {
        listen 443 ssl;
        http2 on;
        server_name a.example;
        ssl_certificate /nonexistent-nginx-mtls-warm-up/a.crt;
        ssl_certificate_key /nonexistent-nginx-mtls-warm-up/a.key;
        ssl_client_certificate /nonexistent-nginx-mtls-warm-up/ca.crt;
        ssl_verify_client on;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:SSL:10m;
        location / {
            if ($client_ok = 0) { return 403; }
            proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
            proxy_set_header Host $host;
            proxy_pass http://127.0.0.1:8080;
        }
    }
    server {
        listen 127.0.0.1:8080;
        location /api/ {
            proxy_pass https://backend;
            proxy_ssl_certificate /nonexistent-nginx-mtls-warm-up/client.crt;
            proxy_ssl_certificate_key /nonexistent-nginx-mtls-warm-up/client.key;
            proxy_ssl_trusted_certificate /nonexistent-nginx-mtls-warm-up/ca.crt;
            proxy_ssl_verify on;
            proxy_ssl_server_name on;
            add_header X-Warm "1" always;
        }
    }
}
stream {
    server {
        listen 5000 ssl;
        ssl_certificate /nonexistent-nginx-mtls-warm-up/a.crt;
        ssl_certificate_key /nonexistent-nginx-mtls-warm-up/a.key;
        proxy_pass 127.0.0.1:6000;
    }
}
`;

/** A file system with no files: the warm-up reads no configuration from disk. */
export const NO_FILES: FileSystem = {
  readText: async () => undefined,
  stat: async () => undefined,
  readDirectory: async () => undefined,
};

export class EngineWarmUp {
  private readonly flag = { cancelled: false };
  private started = false;

  /** Checks the made-up configuration once; resolves with the time it took, or undefined when it was called off. */
  async run(): Promise<number | undefined> {
    if (this.started || this.flag.cancelled) return undefined;
    this.started = true;
    const began = performance.now();
    // Default settings: a new service has them already.
    const service = new NginxLanguageService({ fs: NO_FILES });
    service.openDocument(WARM_UP_MAIN, WARM_UP_CONFIG);
    try {
      await service.validateEncoded(WARM_UP_MAIN, this.flag);
    } catch (error) {
      if (error instanceof AnalysisCancelled) return undefined;
      throw error;
    }
    return this.flag.cancelled ? undefined : performance.now() - began;
  }

  /** A real document needs the thread: the warm-up stops at its next turn, or does not start. */
  cancel(): void {
    this.flag.cancelled = true;
  }
}
