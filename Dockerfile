# The kubectl-secret image; its Deployment (`kubectl secret controller manifests`) runs
# `controller run`. Build from the repository root:
#   docker build -t kubectl-secret:$(node -p "require('./package.json').version") .
# Stage 1 compiles the TypeScript with the dev dependencies; stage 2 holds only the runtime
# dependencies and the compiled output, and runs as a non-root user with no shell tools needed.

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied, and the pinned `node`
# dev dependency would download a second Node.js that this image already has.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY commands ./commands
COPY src ./src
# tsconfig.json also includes test/ and bench/; they are not copied, so only the CLI is built.
RUN npx tsc -p tsconfig.json

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOME=/tmp
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist/commands ./dist/commands
COPY --from=build /src/dist/src ./dist/src
# The UID/GID the Deployment's securityContext names (runAsNonRoot needs a numeric user).
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["node", "/app/bin/run.js"]
CMD ["controller", "run"]
