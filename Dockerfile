# Proximity server + built 3D client on Node 22.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:client

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=2567 NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist-client ./dist-client
COPY package.json tsconfig.json ./
COPY server ./server
COPY shared ./shared
COPY assets ./assets
USER node
EXPOSE 2567
CMD ["node_modules/.bin/tsx", "server/src/main.ts"]
