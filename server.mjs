/**
 * The app's HTTP server: the Remix build behind Express, for `npm start` in production and for the
 * local demo. Express gives the loaders the connection's remote address, which the demo's loopback-only
 * check needs. In demo mode the server refuses to listen anywhere but on loopback.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

const root = path.dirname(fileURLToPath(import.meta.url));
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export async function startServer({ port = 3000, host = "0.0.0.0", demo = false } = {}) {
  if (demo && !LOOPBACK.has(host)) throw new Error(`The demo only listens on loopback, not on ${host}`);
  const build = await import(pathToFileURL(path.join(root, "build/server/index.js")).href);
  const app = express();
  app.disable("x-powered-by");
  app.use(compression());
  app.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV,
      getLoadContext: (req) => ({ demoServer: demo, remoteAddress: req.socket.remoteAddress }),
    }),
  );
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.on("error", reject);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT || 3000);
  const demo = process.env.DEMO_MODE === "1";
  const host = demo ? "127.0.0.1" : process.env.HOST_BIND || "0.0.0.0";
  await startServer({ port, host, demo });
  console.log(`Margin LTV listening on http://${host}:${port}${demo ? " (demo mode, loopback only)" : ""}`);
}
