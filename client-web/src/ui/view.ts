// What every page view gets and offers. The App owns the session and tells
// the current view what changed; views never talk to the network themselves.
import type { TextOp } from "../core";
import type { Role } from "../gen/kenes/v1/protocol_pb";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ClientMessageSchema } from "../gen/kenes/v1/protocol_pb";
import type { Session } from "../net";

/** The answer to a request: null when done, else the sentence saying why not. */
export type Answered = (refusal: string | null) => void;
export type RequestKind = MessageInitShape<typeof ClientMessageSchema>["kind"];

export interface ViewContext {
  readonly session: Session;
  readonly consultationId: string;
  readonly me: { readonly id: string; readonly name: string; readonly role: Role };
  navigate(path: string): void;
  /**
   * Sends an indicator, poll or meeting request; `answered` hears once the
   * server has logged it or refused it (with the server's reason).
   */
  request(kind: RequestKind, answered?: Answered): void;
  /** Follow the chair's spotlight (members' choice, kept in this browser). */
  following(): boolean;
  setFollowing(on: boolean): void;
}

export interface View {
  readonly el: HTMLElement;
  /** The consultation state or the language changed: redraw. */
  refresh(): void;
  presenceChanged?(): void;
  /** Only indicator status, poll or meeting state changed (default: refresh). */
  assessmentChanged?(): void;
  /** Threads, comments, read markers or visits changed (issue 6). */
  discussionChanged?(): void;
  /** A record of docId was folded; op is what it changed in the shown text. */
  textFolded?(docId: string, op: TextOp): void;
  /** docId's local edits were rolled back. */
  docReset?(docId: string): void;
  /** The view became visible: move focus to its heading. */
  focus?(): void;
  destroy(): void;
}
