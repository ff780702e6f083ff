/**
 * Runs once before the suite: migrates a template database that every test file copies, so database
 * tests start from the real migrations without paying for them per file. Each run has its own
 * template, so two runs at once (two terminals, CI and a developer) never share a database.
 *
 * - SQLite (default): a template file in a per-run directory under .data/test; each file copies it.
 * - PostgreSQL (TEST_DATABASE=postgres, PG_TEST_URL = an admin URL of a server, as `npm run test:pg`
 *   sets up): a template database per run; each test file gets CREATE DATABASE ... TEMPLATE it
 *   (test/setup/env.ts). Teardown drops the run's databases.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { adminQuery, databaseUrl, dropDatabases, testDatabaseKind } from "../support/pg-admin";

function migrate(url: string) {
  try {
    execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], {
      env: { ...process.env, DATABASE_URL: url },
      stdio: "pipe",
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`prisma migrate deploy failed for the test template:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

export default async function setup() {
  const base = path.resolve(".data/test");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "run-"));
  // Workers are started after this and inherit the environment.
  process.env.TEST_RUN_DIR = dir;

  if (testDatabaseKind() === "postgres") {
    const template = `mltv_${randomBytes(4).toString("hex")}`;
    await adminQuery(`CREATE DATABASE "${template}"`);
    migrate(databaseUrl(template));
    process.env.TEST_PG_TEMPLATE = template;
    return async () => {
      await dropDatabases(template);
      rmSync(dir, { recursive: true, force: true });
    };
  }

  migrate(`file:${path.join(dir, "template.sqlite")}`);
  return () => rmSync(dir, { recursive: true, force: true });
}
