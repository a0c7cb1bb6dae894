# Build: docker build -t quanta-bot-platform . (or `docker compose build`).
# Three stages: `build` compiles with every dependency; `deps` installs the production ones
# only; the runtime image gets those, the compiled JavaScript and the migrations.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so source edits do not invalidate the npm ci layer.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run db:generate && npm run build

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional too: the prisma CLI and typescript are optional peers of @prisma/client,
# which --omit=dev alone still installs (~240 MB); nothing at run time needs them.
RUN npm ci --omit=dev --omit=optional && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Said, not left to the default: a container must listen beyond its own loopback.
ENV HOST=0.0.0.0
# glibc's malloc keeps a fixed mmap threshold: ~15 MB less resident (docs/performance.md).
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY prisma/migrations ./prisma/migrations
USER node
EXPOSE 8080 8090 9464
# `node dist/scripts/migrate.js` applies migrations (compose runs it once before the app);
# `node dist/scripts/rotate-signing-key.js` rotates the webhook signing key.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=20", "--no-allocation-site-pretenuring", "dist/src/main.js"]
