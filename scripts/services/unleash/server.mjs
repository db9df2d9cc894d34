// Starts a real Unleash 7 server for Strangler dev/tests. Launched by scripts/services/unleash.sh.
// Config via env (defaults match scripts/services/postgres.sh):
//   UNLEASH_DATABASE_URL   postgres://strangler:strangler@127.0.0.1:5432/unleash
//   UNLEASH_HOST / UNLEASH_PORT   127.0.0.1 / 4242
//   INIT_ADMIN_API_TOKENS / INIT_BACKEND_API_TOKENS  seeded by Unleash itself on first start
//   (only while the api_tokens table is empty).
import { start } from 'unleash-server';

const db = new URL(process.env.UNLEASH_DATABASE_URL ?? 'postgres://strangler:strangler@127.0.0.1:5432/unleash');

const unleash = await start({
  db: {
    user: decodeURIComponent(db.username),
    password: decodeURIComponent(db.password),
    host: db.hostname,
    port: Number(db.port || 5432),
    database: db.pathname.slice(1),
    ssl: false,
  },
  server: {
    host: process.env.UNLEASH_HOST ?? '127.0.0.1',
    port: Number(process.env.UNLEASH_PORT ?? 4242),
    gracefulShutdownEnable: true,
    gracefulShutdownTimeout: 500,
  },
  versionCheck: { enable: false }, // no internet here
  telemetry: false, // also SEND_TELEMETRY=false in env (option alone cannot switch it off)
  logLevel: process.env.LOG_LEVEL ?? 'info',
});

const stop = async (sig) => {
  console.log(`received ${sig}, stopping unleash`);
  const force = setTimeout(() => process.exit(0), 3000);
  force.unref();
  try { await unleash.stop(); } finally { process.exit(0); }
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
