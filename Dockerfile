# The platform server, for production. Build: docker build -t molecule-platform .
# Run it with an external PostgreSQL (DATABASE_URL), as docker-compose.yml does; without one it
# starts the embedded PostgreSQL under /data (mount a volume there to keep it).
ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Compile TypeScript (src, migrations) to dist/ with every dependency installed.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY .swcrc tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# 2. Production dependencies only (install scripts run: the embedded PostgreSQL restores its
#    library links; the optional native SSH helpers of the Docker client may skip their build).
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# 3. The runtime: compiled code, production dependencies, a non-root user.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=8080 \
    MOLECULE_DATA_DIR=/data \
    LOG_FORMAT=json
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data && chown node:node /data
# The image's `node` user (uid 1000); the code it runs is root-owned and read-only to it.
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1's child only through this exec form: SIGTERM reaches the server directly and
# starts its graceful shutdown (SHUTDOWN_GRACE_SECONDS; give `docker stop -t` a little more).
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
