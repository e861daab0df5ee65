// Where unsent edits survive a reload: this browser's client identity (the
// client_id and the next client_seq) and each document's unsent work.
//
// Contract, for every implementation (tests/net/offline-store.test.ts runs one
// suite against each):
//   - claimClient(owner) returns a client identity for `owner` (consultation +
//     participant) that no other live tab holds: an existing one if one is
//     free (its unsent work comes with it), else a new one with next seq 1.
//   - saveClient() must complete before a submit with that seq is sent, so a
//     reload never reuses a client_seq.
//   - saveDoc/deleteDoc replace one document's unsent work atomically.

import type { DocSnapshot } from "../core";

export interface ClientIdentity {
  readonly clientId: string;
  readonly owner: string;
  /** The next client_seq to use (client_seq starts at 1). */
  nextClientSeq: number;
}

export interface OfflineStore {
  claimClient(owner: string): Promise<ClientIdentity>;
  saveClient(client: ClientIdentity): Promise<void>;
  saveDoc(clientId: string, snapshot: DocSnapshot): Promise<void>;
  deleteDoc(clientId: string, docId: string): Promise<void>;
  loadDocs(clientId: string): Promise<DocSnapshot[]>;
  /** Lets another tab claim this client (on page unload); optional. */
  release?(clientId: string): void;
}

export function newClientId(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Keeps everything in memory. `MemoryDatabase` outlives a store, so a test can
 * drop a session and its store ("reload") and open a new one on the same data.
 */
export class MemoryDatabase {
  readonly clients = new Map<string, ClientIdentity>();
  readonly docs = new Map<string, Map<string, DocSnapshot>>();
  readonly held = new Set<string>();
}

export class MemoryOfflineStore implements OfflineStore {
  constructor(private readonly db: MemoryDatabase = new MemoryDatabase()) {}

  async claimClient(owner: string): Promise<ClientIdentity> {
    for (const c of this.db.clients.values()) {
      if (c.owner === owner && !this.db.held.has(c.clientId)) {
        this.db.held.add(c.clientId);
        return { ...c };
      }
    }
    const c: ClientIdentity = { clientId: newClientId(), owner, nextClientSeq: 1 };
    this.db.clients.set(c.clientId, { ...c });
    this.db.held.add(c.clientId);
    return { ...c };
  }

  async saveClient(client: ClientIdentity): Promise<void> {
    this.db.clients.set(client.clientId, { ...client });
  }

  async saveDoc(clientId: string, snapshot: DocSnapshot): Promise<void> {
    let m = this.db.docs.get(clientId);
    if (!m) this.db.docs.set(clientId, (m = new Map()));
    m.set(snapshot.docId, structuredClone(snapshot));
  }

  async deleteDoc(clientId: string, docId: string): Promise<void> {
    this.db.docs.get(clientId)?.delete(docId);
  }

  async loadDocs(clientId: string): Promise<DocSnapshot[]> {
    return [...(this.db.docs.get(clientId)?.values() ?? [])].map((s) => structuredClone(s));
  }

  release(clientId: string): void {
    this.db.held.delete(clientId);
  }
}
