import { defineConfig } from "drizzle-kit";

// Migrations are generated from db/schema and committed; the portal applies them on start.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
  ...(process.env.DATABASE_URL
    ? { dbCredentials: { url: process.env.DATABASE_URL } }
    : { driver: "pglite", dbCredentials: { url: process.env.GATEHOUSE_DATA_DIR ? `${process.env.GATEHOUSE_DATA_DIR}/pglite` : "./.data/pglite" } }),
});
