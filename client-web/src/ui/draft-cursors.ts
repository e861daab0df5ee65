// Other people's carets on one document, in the shape EditorBinding.showCursors
// takes: one place for the indicator view, the recommendation view and the
// presenter view, so that they label and colour people alike.
import { rangeFromWire } from "../model";
import { participantColor } from "./colors";
import { nameWithRole } from "./labels";
import type { ViewContext } from "./view";

// mine: whether the same participant's other tabs count (the projector often
// runs on the chair's link, and the chair's caret is what the room follows).
export function othersCursors(ctx: ViewContext, docId: string, mine = false) {
  return ctx.session
    .presence()
    .filter((p) => p.docId === docId && (mine || p.participantId !== ctx.me.id))
    .map((p) => ({
      key: p.connectionId,
      name: nameWithRole(p.displayName, p.role),
      color: participantColor(p.participantId),
      selections: p.selections.map(rangeFromWire),
    }));
}
