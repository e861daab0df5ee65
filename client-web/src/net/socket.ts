// The little of WebSocket the session uses, so tests can hand it a fake.

export interface SocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
}

export type SocketFactory = (url: string) => SocketLike;

/** WebSocket.OPEN, without needing the global in tests. */
export const SOCKET_OPEN = 1;

export const browserSocketFactory: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

/** ws:// or wss:// (matching the page) on the page's host, path /ws. */
export function sameOriginSocketUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === "https:" ? "wss" : "ws"}://${loc.host}/ws`;
}
