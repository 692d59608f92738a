# belwatch service image. Built once by docker-compose.yml (service `scheduler`, tagged belwatch:local)
# and reused by the workers; not built on the machine this was written on (no Docker engine there),
# so it is kept correct by reading.
#
# Layers, so a source change does not reinstall packages: package*.json -> npm ci (cached until the
# lock file changes; --ignore-scripts, since `prepare` would build before src/ is there) -> src/ ->
# build -> prune the dev dependencies. The runtime stage gets node_modules and dist/ only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Outside a container the HTTP server binds 127.0.0.1 by default; inside one, 0.0.0.0 is what lets a
# published port (docker run -p 127.0.0.1:8080:8080) reach it, so the image sets it.
ENV BELWATCH_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY config ./config
# The file channel's default `dir: outbox` is /app/outbox. It exists here, owned by node, so a named
# volume mounted on it starts with that owner (Docker copies the image directory's ownership into an
# empty named volume); a host directory bind-mounted there must be writable by uid 1000 instead.
RUN mkdir -p /app/outbox && chown node:node /app/outbox
USER node
EXPOSE 8080
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["validate"]
