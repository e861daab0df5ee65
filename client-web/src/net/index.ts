// The network layer: WebSocket session, reconnect, resume, offline queue.
export * from "./backoff";
export * from "./errors";
export * from "./indexeddb-store";
export * from "./offline-store";
export * from "./session";
export * from "./socket";
export * from "./state-store";
export * from "./export-download";
