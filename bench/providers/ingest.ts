/** Providers benchmark phase: the bulk ingest of the fixture into DATABASE_URL (see ../bulk-ingest.bench.ts). */
import { ingestFixture, type LedgerWriter } from "../bulk-ingest.bench";
import { runPhase } from "./child";

export interface IngestArgs {
  file: string;
  writer: LedgerWriter;
  batchSize: number;
}

await runPhase<IngestArgs>((args, url) => ingestFixture(args.file, url, { writer: args.writer, batchSize: args.batchSize, inWorker: true }));
