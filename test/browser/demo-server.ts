/**
 * Starts `npm run demo` as a newcomer would, on its own database file and port, and waits until the
 * page is served. Reports how long that took.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export interface DemoServer {
  url: string;
  msToPageServed: number;
  log: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

export async function startDemo(args: string[] = [], options: { fresh?: boolean } = {}): Promise<DemoServer> {
  const dir = path.resolve(".data/browser");
  mkdirSync(dir, { recursive: true });
  const database = path.join(dir, "demo.sqlite");
  if (options.fresh ?? true) {
    for (const suffix of ["", "-wal", "-shm", ".seed.json"]) rmSync(`${database}${suffix}`, { force: true });
  }
  const port = await freePort();
  const started = performance.now();
  const child: ChildProcess = spawn("npm", ["run", "demo", "--", "--port", String(port), ...args], {
    env: { ...process.env, DATABASE_URL: `file:${database}`, DEMO_MODE: undefined },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://localhost:${port}`;

  const deadline = Date.now() + 10 * 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm run demo exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/app`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const msToPageServed = performance.now() - started;
  return {
    url,
    msToPageServed,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    },
  };
}
