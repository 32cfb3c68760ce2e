# One image for every role (listener, worker, bot, playground): `docker run twitchgraph <subcommand>`.
# Stage 1 compiles TypeScript; stage 2 holds only production dependencies and the compiled code.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied in.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    TWITCHGRAPH_DATA_DIR=/var/lib/twitchgraph \
    HTTP_HOST=0.0.0.0 \
    LOG_FORMAT=json
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY data ./data
COPY src/playground/static ./dist/playground/static
RUN mkdir -p /var/lib/twitchgraph && chown node:node /var/lib/twitchgraph
USER node
VOLUME ["/var/lib/twitchgraph"]
EXPOSE 8080
ENTRYPOINT ["node", "bin/twitchgraph.js"]
CMD ["start"]
