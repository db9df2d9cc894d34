import { defineConfig } from "prisma/config";

// `process.env` rather than `env()`: env() throws at config load when DATABASE_URL is unset,
// which would break `prisma generate` (postinstall) on machines without a database.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
