/**
 * Runs once before the suite: migrates a template SQLite database that every test worker copies,
 * so database tests start from the real migrations without paying for them per file.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

export const TEST_DATA_DIR = path.resolve(".data/test");
export const TEMPLATE_DB = path.join(TEST_DATA_DIR, "template.sqlite");

export default function setup() {
  rmSync(TEST_DATA_DIR, { recursive: true, force: true });
  mkdirSync(TEST_DATA_DIR, { recursive: true });
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${TEMPLATE_DB}` },
    stdio: "pipe",
  });
}
