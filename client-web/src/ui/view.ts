// What every page view gets and offers. The App owns the session and tells
// the current view what changed; views never talk to the network themselves.
import type { TextOp } from "../core";
import type { Role } from "../gen/kenes/v1/protocol_pb";
import type { Session } from "../net";

export interface ViewContext {
  readonly session: Session;
  readonly consultationId: string;
  readonly me: { readonly id: string; readonly name: string; readonly role: Role };
  navigate(path: string): void;
}

export interface View {
  readonly el: HTMLElement;
  /** The consultation state or the language changed: redraw. */
  refresh(): void;
  presenceChanged?(): void;
  /** A record of docId was folded; op is what it changed in the shown text. */
  textFolded?(docId: string, op: TextOp): void;
  /** docId's local edits were rolled back. */
  docReset?(docId: string): void;
  /** The view became visible: move focus to its heading. */
  focus?(): void;
  destroy(): void;
}
