// Where a tab keeps the consultation it has folded, so that a reload or the
// next day's visit asks only for the records since (issue 16, item 5), and a
// page opened without a network shows the last state it had.
//
// What is kept is not a re-encoding of the folds but the server's own frames
// that built them, in the order they were folded: the Welcome, the JoinState
// the tab joined with (or nothing, for a tab that folded the log from the
// start), then every CatchUp and Broadcast, DocumentText and PollUpdate, and
// for each of the tab's own edits the record the server logged for it
// (made from the Ack: the author is not sent its own records). Replaying
// them through the session's one door (ConsultationState.fold and the
// loaders) gives the same state by construction, whatever the folds become;
// a newer JoinState starts the list again, which is also how it is kept
// short (Session asks for a state when the list has grown long).
//
// Kept per client identity (one per tab, see offline-store.ts), never shared
// between tabs: two tabs appending to one list would interleave.
//
// Contract, for every implementation (tests/net/state-store.test.ts runs one
// suite against each):
//   - load(clientId) returns what was appended since the last reset, in
//     order, with the time of the last write; no frames if nothing was kept.
//   - reset(clientId, frames) replaces the list; append adds to its end.
//   - Each call is atomic: a reload sees a list as some call left it.

import { done, promised } from "./idb";

export interface StoredState {
  readonly frames: Uint8Array[];
  /** When the list was last written (Date.now()), 0 if never. */
  readonly savedAtUnixMs: number;
}

export interface StateStore {
  load(clientId: string): Promise<StoredState>;
  reset(clientId: string, frames: Uint8Array[], nowUnixMs: number): Promise<void>;
  append(clientId: string, frames: Uint8Array[], nowUnixMs: number): Promise<void>;
  clear(clientId: string): Promise<void>;
}

/** Keeps the lists in memory; `lists` outlives a store so a test can "reload". */
export class MemoryStateStore implements StateStore {
  constructor(readonly lists = new Map<string, { frames: Uint8Array[]; savedAtUnixMs: number }>()) {}

  async load(clientId: string): Promise<StoredState> {
    const l = this.lists.get(clientId);
    return { frames: l ? l.frames.map((f) => f.slice()) : [], savedAtUnixMs: l?.savedAtUnixMs ?? 0 };
  }

  async reset(clientId: string, frames: Uint8Array[], nowUnixMs: number): Promise<void> {
    this.lists.set(clientId, { frames: frames.map((f) => f.slice()), savedAtUnixMs: nowUnixMs });
  }

  async append(clientId: string, frames: Uint8Array[], nowUnixMs: number): Promise<void> {
    const l = this.lists.get(clientId) ?? { frames: [], savedAtUnixMs: 0 };
    l.frames.push(...frames.map((f) => f.slice()));
    l.savedAtUnixMs = nowUnixMs;
    this.lists.set(clientId, l);
  }

  async clear(clientId: string): Promise<void> {
    this.lists.delete(clientId);
  }
}

// IndexedDB: its own database, so that its versions never hold up the
// offline store's. One object store of chunks:
//   chunks  {clientId, n, frames: Uint8Array[], at}   key [clientId, n]
// append() adds chunk n+1; reset() deletes the client's chunks and writes
// chunk 0, in one transaction. Database name and shapes live in people's
// browsers: do not change them without a version bump and an upgrade step.
const DB_NAME = "kenes-state";
const DB_VERSION = 1;

interface Chunk {
  clientId: string;
  n: number;
  frames: Uint8Array[];
  at: number;
}

export class IndexedDbStateStore implements StateStore {
  private dbPromise: Promise<IDBDatabase> | null = null;
  /** The last chunk number written per client (known after a load or a write). */
  private readonly last = new Map<string, number>();

  constructor(
    private readonly idb: IDBFactory = globalThis.indexedDB,
    private readonly keyRange: typeof IDBKeyRange = globalThis.IDBKeyRange,
  ) {}

  private db(): Promise<IDBDatabase> {
    if (!this.dbPromise) {
      this.dbPromise = new Promise((resolve, reject) => {
        const req = this.idb.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => {
          req.result.createObjectStore("chunks", { keyPath: ["clientId", "n"] });
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
      });
    }
    return this.dbPromise;
  }

  private range(clientId: string): IDBKeyRange {
    return this.keyRange.bound([clientId, 0], [clientId, Number.MAX_SAFE_INTEGER]);
  }

  async load(clientId: string): Promise<StoredState> {
    const db = await this.db();
    const tx = db.transaction("chunks", "readonly");
    const chunks = (await promised(tx.objectStore("chunks").getAll(this.range(clientId)))) as Chunk[];
    chunks.sort((a, b) => a.n - b.n);
    this.last.set(clientId, chunks.at(-1)?.n ?? -1);
    return { frames: chunks.flatMap((c) => c.frames), savedAtUnixMs: chunks.at(-1)?.at ?? 0 };
  }

  async reset(clientId: string, frames: Uint8Array[], nowUnixMs: number): Promise<void> {
    const db = await this.db();
    const tx = db.transaction("chunks", "readwrite");
    const store = tx.objectStore("chunks");
    store.delete(this.range(clientId));
    store.put({ clientId, n: 0, frames, at: nowUnixMs } satisfies Chunk);
    await done(tx);
    this.last.set(clientId, 0);
  }

  async append(clientId: string, frames: Uint8Array[], nowUnixMs: number): Promise<void> {
    const db = await this.db();
    const tx = db.transaction("chunks", "readwrite");
    const store = tx.objectStore("chunks");
    let n = this.last.get(clientId);
    if (n === undefined) {
      const keys = (await promised(store.getAllKeys(this.range(clientId)))) as [string, number][];
      n = keys.reduce((m, k) => Math.max(m, k[1]), -1);
    }
    store.put({ clientId, n: n + 1, frames, at: nowUnixMs } satisfies Chunk);
    await done(tx);
    this.last.set(clientId, n + 1);
  }

  async clear(clientId: string): Promise<void> {
    const db = await this.db();
    const tx = db.transaction("chunks", "readwrite");
    tx.objectStore("chunks").delete(this.range(clientId));
    await done(tx);
    this.last.set(clientId, -1);
  }
}
