// The collab core: DOM-free, I/O-free. The public surface of src/core/.
export * from "./text-op";
export * from "./transform";
export * from "./utf16";
export * from "./doc-client";
export * from "./code-point-text";
export * from "./anchored-range";
export * from "./word-diff";
