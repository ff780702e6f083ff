/**
 * One interactive transaction that steps join one after another, each when the caller has it (the
 * batches of a streamed ingest, app/sync/stream-ingest.server.ts):
 *
 * - `run(step)` runs the step inside the transaction and resolves with its result once it ran (not
 *   once it committed);
 * - `commit()` ends the transaction, committing every step that ran;
 * - a step that throws rolls the whole transaction back, the steps that ran before it included: its
 *   `run` rejects with the error, and so do `commit()` and every later `run`. So does a transaction
 *   that could not begin.
 *
 * While it is open the connection is the transaction's (db.server.ts serialises a SQLite client's
 * connection): a query made outside the transaction waits for the commit, so a step must use `tx` only.
 */
interface Queued<Tx> {
  step: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export type BeginTransaction<Tx> = (body: (tx: Tx) => Promise<void>) => Promise<unknown>;

export class OpenTransaction<Tx> {
  readonly #queue: Queued<Tx>[] = [];
  #wake: (() => void) | null = null;
  #ending = false;
  #failure: { error: unknown } | null = null;
  readonly #done: Promise<void>;

  /** `begin` starts the transaction with `body`, e.g. `(body) => db.$transaction(body, options)`. */
  constructor(begin: BeginTransaction<Tx>) {
    this.#done = begin(async (tx) => {
      for (;;) {
        const next = this.#queue.shift();
        if (next) {
          let result: unknown;
          try {
            result = await next.step(tx);
          } catch (error) {
            this.#failure = { error };
            next.reject(error);
            throw error;
          }
          next.resolve(result);
          continue;
        }
        if (this.#ending) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = null;
      }
    }).then(() => undefined, (error: unknown) => {
      // A transaction that failed to begin or to commit: nothing queued will run.
      this.#failure ??= { error };
      for (const queued of this.#queue.splice(0)) queued.reject(error);
      throw error;
    });
    // Whoever commits sees the failure; until then it must not count as unhandled.
    this.#done.catch(() => undefined);
  }

  run<T>(step: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure.error);
    if (this.#ending) return Promise.reject(new Error("The transaction is committing: no step can join it"));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ step, resolve: resolve as (value: unknown) => void, reject });
      this.#wake?.();
    });
  }

  /** Commits once the queued steps ran; rejects with the failure that rolled the transaction back. */
  commit(): Promise<void> {
    this.#ending = true;
    this.#wake?.();
    return this.#done;
  }
}
