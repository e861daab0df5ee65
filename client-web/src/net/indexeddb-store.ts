// The OfflineStore in IndexedDB. Two object stores:
//   clients  {clientId, owner, nextClientSeq}    key clientId, index owner
//   docs     {clientId, docId, snapshot}         key [clientId, docId], index clientId
// A tab holds its client identity with a Web Lock named after the client id
// (or, where Web Locks are missing, a lease renewed in localStorage) for as
// long as it lives, so two tabs of one person never share a client_seq
// sequence; a reloaded tab (or a new one) takes over a free identity and the
// unsent work that belongs to it.
//
// Database name and shapes are stored in people's browsers: do not change them
// without a version bump and an upgrade step.

import type { DocSnapshot } from "../core";
import { done, promised } from "./idb";
import { type ClientIdentity, type OfflineStore, newClientId } from "./offline-store";

const DB_NAME = "kenes-offline";
const DB_VERSION = 1;

export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | void,
  ): Promise<unknown>;
}

export interface IndexedDbStoreOptions {
  idb?: IDBFactory;
  locks?: LockManagerLike | undefined;
  leases?: LeaseStorage | undefined;
  /** Identities held by this page (tests give each simulated tab its own). */
  held?: Set<string>;
}

export class IndexedDbOfflineStore implements OfflineStore {
  private dbPromise: Promise<IDBDatabase> | null = null;
  // Releases the Web Lock of each identity this tab holds.
  private readonly releases = new Map<string, () => void>();
  // Identities held in this JS realm (covers browsers without Web Locks).
  private static readonly heldHere = new Set<string>();

  private readonly idb: IDBFactory;
  private readonly locks: LockManagerLike | undefined;
  private readonly leases: LeaseStorage | undefined;
  private readonly held: Set<string>;

  /** Defaults: the page's indexedDB, navigator.locks and localStorage. */
  constructor(opts: IndexedDbStoreOptions = {}) {
    this.idb = opts.idb ?? globalThis.indexedDB;
    this.locks = "locks" in opts ? opts.locks : (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
    this.leases = "leases" in opts ? opts.leases : (globalThis as { localStorage?: LeaseStorage }).localStorage;
    this.held = opts.held ?? IndexedDbOfflineStore.heldHere;
  }

  private db(): Promise<IDBDatabase> {
    if (!this.dbPromise) {
      this.dbPromise = new Promise((resolve, reject) => {
        const req = this.idb.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => {
          const db = req.result;
          const clients = db.createObjectStore("clients", { keyPath: "clientId" });
          clients.createIndex("owner", "owner");
          const docs = db.createObjectStore("docs", { keyPath: ["clientId", "docId"] });
          docs.createIndex("clientId", "clientId");
        };
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
        req.onblocked = () => reject(new Error("IndexedDB is blocked by another tab"));
      });
    }
    return this.dbPromise;
  }

  async claimClient(owner: string): Promise<ClientIdentity> {
    const db = await this.db();
    const tx = db.transaction("clients", "readonly");
    const existing = (await promised(tx.objectStore("clients").index("owner").getAll(owner))) as ClientIdentity[];
    existing.sort((a, b) => a.clientId.localeCompare(b.clientId));
    for (const c of existing) {
      if (await this.hold(c.clientId)) return c;
    }
    const fresh: ClientIdentity = { clientId: newClientId(), owner, nextClientSeq: 1 };
    await this.hold(fresh.clientId);
    await this.saveClient(fresh);
    return fresh;
  }

  async saveClient(client: ClientIdentity): Promise<void> {
    const db = await this.db();
    const tx = db.transaction("clients", "readwrite");
    tx.objectStore("clients").put({ clientId: client.clientId, owner: client.owner, nextClientSeq: client.nextClientSeq });
    await done(tx);
  }

  async saveDoc(clientId: string, snapshot: DocSnapshot): Promise<void> {
    const db = await this.db();
    const tx = db.transaction("docs", "readwrite");
    tx.objectStore("docs").put({ clientId, docId: snapshot.docId, snapshot });
    await done(tx);
  }

  async deleteDoc(clientId: string, docId: string): Promise<void> {
    const db = await this.db();
    const tx = db.transaction("docs", "readwrite");
    tx.objectStore("docs").delete([clientId, docId]);
    await done(tx);
  }

  async loadDocs(clientId: string): Promise<DocSnapshot[]> {
    const db = await this.db();
    const tx = db.transaction("docs", "readonly");
    const rows = (await promised(tx.objectStore("docs").index("clientId").getAll(clientId))) as { snapshot: DocSnapshot }[];
    return rows.map((r) => r.snapshot);
  }

  release(clientId: string): void {
    this.held.delete(clientId);
    this.releases.get(clientId)?.();
    this.releases.delete(clientId);
  }

  /** Takes the identity's lock if no one holds it; true on success. */
  private async hold(clientId: string): Promise<boolean> {
    if (this.held.has(clientId)) return false;
    let acquired: boolean;
    if (this.locks) acquired = await this.holdWithLock(clientId);
    else if (this.leases) acquired = await this.holdWithLease(clientId, this.leases);
    else acquired = true; // a single page (tests): the set above is enough
    if (acquired) this.held.add(clientId);
    return acquired;
  }

  private holdWithLock(clientId: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      void this.locks!.request(`kenes-client-${clientId}`, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(false);
          return;
        }
        resolve(true);
        // Held until release() or until the page goes away.
        return new Promise<void>((release) => this.releases.set(clientId, release));
      });
    });
  }

  /**
   * Without Web Locks (they need a secure context: plain http on a LAN has
   * none) a tab holds an identity by renewing a lease in localStorage every
   * LEASE_RENEW_MS; a lease not renewed for LEASE_EXPIRE_MS is free. Two tabs
   * racing for one stale lease both write, wait, and read back: one wins.
   */
  private async holdWithLease(clientId: string, leases: LeaseStorage): Promise<boolean> {
    const key = `kenes.lease.${clientId}`;
    const read = (): { owner: string; at: number } | null => {
      try {
        return JSON.parse(leases.getItem(key) ?? "null") as { owner: string; at: number } | null;
      } catch {
        return null;
      }
    };
    const current = read();
    if (current && Date.now() - current.at < LEASE_EXPIRE_MS) return false;
    const owner = newClientId();
    const renew = () => leases.setItem(key, JSON.stringify({ owner, at: Date.now() }));
    renew();
    await new Promise((r) => setTimeout(r, 60));
    if (read()?.owner !== owner) return false;
    const timer = setInterval(renew, LEASE_RENEW_MS);
    this.releases.set(clientId, () => {
      clearInterval(timer);
      if (read()?.owner === owner) leases.removeItem(key);
    });
    return true;
  }
}

const LEASE_RENEW_MS = 2000;
const LEASE_EXPIRE_MS = 7000;

export interface LeaseStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
