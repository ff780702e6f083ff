/**
 * Runs once before the suite: migrates a template SQLite database that every test worker copies,
 * so database tests start from the real migrations without paying for them per file. Each run has
 * its own directory, so two runs at once (two terminals, CI and a developer) never share files.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";

export default function setup() {
  const base = path.resolve(".data/test");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, "run-"));
  const template = path.join(dir, "template.sqlite");
  execFileSync(process.execPath, ["node_modules/prisma/build/index.js", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${template}` },
    stdio: "pipe",
  });
  // Workers are started after this and inherit the environment.
  process.env.TEST_RUN_DIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
