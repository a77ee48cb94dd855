# The nginx-mtls CLI in a container. The image installs the npm package, so build it first:
#   npm ci && npm pack            # writes nginx-mtls-<version>.tgz (prepack builds dist/)
#   docker build -t nginx-mtls .
#   docker run --rm -v "$PWD:/work" nginx-mtls check etc/nginx --map /etc/nginx=etc/nginx
# The bundles in the package are self-contained; --omit=dev leaves the toolchain out.
FROM node:20-bookworm-slim

COPY nginx-mtls-*.tgz /tmp/nginx-mtls.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/nginx-mtls.tgz \
    && rm /tmp/nginx-mtls.tgz \
    && npm cache clean --force

# Checking only reads; run with --user "$(id -u)" when --fix should write the mounted files.
USER node
WORKDIR /work
ENTRYPOINT ["nginx-mtls"]
CMD ["--help"]
