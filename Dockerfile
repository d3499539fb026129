# escred's image: the npm package as users install it, on a slim Node.js LTS base, run as a non-root user.
# Build and push (the Kubernetes examples in examples/kubernetes/ run this image; use your registry's name):
#   npm ci && npm pack
#   docker build -t registry.example.com/platform/escred:0.1.0 .
#   docker push registry.example.com/platform/escred:0.1.0
# test/install/pack-install.test.ts lints this file and runs its `npm install` line on the same tarball.
FROM node:26-slim

# kubectl, which the Kubernetes Secret sink (`escred sink kubernetes`) runs
ARG KUBECTL_VERSION=v1.34.2
ARG TARGETARCH=amd64
ADD --chmod=755 https://dl.k8s.io/release/${KUBECTL_VERSION}/bin/linux/${TARGETARCH}/kubectl /usr/local/bin/kubectl

COPY escred-0.1.0.tgz /tmp/escred.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/escred.tgz && rm /tmp/escred.tgz && npm cache clean --force

# uid and gid 10001, as examples/kubernetes/ run it
RUN groupadd --gid 10001 escred && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin escred
USER 10001:10001

# `escred watch --listen 0.0.0.0:9464` answers /healthz, /readyz and /metrics there
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s CMD ["node", "-e", "fetch('http://127.0.0.1:9464/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["escred"]
CMD ["--help"]
