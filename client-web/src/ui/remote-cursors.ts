// Other people's carets and selections in the editor, labelled with their
// names in their colours. Positions arrive in code points from Presence; the
// caller converts them to UTF-16 (core/utf16.ts) before handing them here.
// Between two presence updates the decorations move with the text.

import { type Extension, type Range as CmRange, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, WidgetType } from "@codemirror/view";
import { tint } from "./colors";

export interface RemoteCursor {
  readonly key: string; // connection id
  readonly name: string;
  readonly color: string;
  /** UTF-16 positions in the current document. */
  readonly anchor: number;
  readonly head: number;
}

export const setRemoteCursors = StateEffect.define<readonly RemoteCursor[]>();

class CaretWidget extends WidgetType {
  constructor(
    readonly name: string,
    readonly color: string,
  ) {
    super();
  }
  override eq(other: CaretWidget): boolean {
    return other.name === this.name && other.color === this.color;
  }
  toDOM(): HTMLElement {
    const caret = document.createElement("span");
    caret.className = "kenes-remote-caret";
    caret.style.borderLeftColor = this.color;
    const label = document.createElement("span");
    label.className = "kenes-remote-label";
    label.style.backgroundColor = this.color;
    label.textContent = this.name;
    caret.append(label);
    // Screen readers hear who is where from the presence list instead.
    caret.setAttribute("aria-hidden", "true");
    return caret;
  }
  override ignoreEvent(): boolean {
    return true;
  }
}

function build(cursors: readonly RemoteCursor[], docLength: number): DecorationSet {
  const ranges: CmRange<Decoration>[] = [];
  for (const c of cursors) {
    const anchor = Math.min(Math.max(0, c.anchor), docLength);
    const head = Math.min(Math.max(0, c.head), docLength);
    const from = Math.min(anchor, head);
    const to = Math.max(anchor, head);
    if (from < to) {
      ranges.push(
        Decoration.mark({ attributes: { style: `background-color: ${tint(c.color)}` }, class: "kenes-remote-selection" }).range(from, to),
      );
    }
    ranges.push(Decoration.widget({ widget: new CaretWidget(c.name, c.color), side: 1 }).range(head));
  }
  return Decoration.set(ranges, true);
}

const field = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let next = value.map(tr.changes);
    for (const e of tr.effects) if (e.is(setRemoteCursors)) next = build(e.value, tr.state.doc.length);
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export function remoteCursors(): Extension {
  return field;
}
