# Build: docker build -t quanta-bot-platform . (or `docker compose build`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so source edits do not invalidate the npm ci layer.
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run db:generate && npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Said, not left to the default: a container must listen beyond its own loopback.
ENV HOST=0.0.0.0
WORKDIR /app
# The whole build tree, dev dependencies included: `npm run db:migrate` runs the TypeScript
# migrator with tsx, and the app finds its root (and migrations) via package.json.
COPY --from=build /app ./
USER node
EXPOSE 8080 8090
CMD ["npm", "start"]
