FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY processors ./processors
COPY sql ./sql
COPY wallboard ./wallboard
COPY tsconfig.json ./
RUN node --import tsx wallboard/build.ts
ENV CC_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
ENTRYPOINT ["node", "bin/cc-supervisor.js"]
CMD ["start"]
