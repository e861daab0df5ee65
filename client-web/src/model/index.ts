// The consultation model: the log folded into state, and the wire conversions.
export * from "./consultation";
export * from "./wire-convert";
export * from "./invite-token";
export * from "./assessment";
export * from "./history";
export * from "./edit-sessions";
export * from "./history-words";
export * from "./discussion";
export * from "./report-sections";
