// Threads' anchored passages highlighted in the draft's editor, and open
// suggestions shown inline as a proposal: the text it would replace struck
// through, the replacement inserted after it, each marked for screen readers
// ("suggested deletion" / "suggested insertion"). Positions are UTF-16 in the
// editor's current text; the threads panel computes them from the model
// (anchors mapped through this client's unacknowledged edits) after every
// change, and between two computations the decorations move with the text
// like the anchors do: text typed at an edge stays outside.

import { type Extension, type Range as CmRange, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, WidgetType } from "@codemirror/view";

export interface ThreadMark {
  readonly threadId: string;
  /** UTF-16 positions in the editor's text, from < to. */
  readonly from: number;
  readonly to: number;
  readonly active: boolean;
  readonly resolved: boolean;
  /** For an open suggestion: the replacement, and the labels read out. */
  readonly suggestion?: { readonly text: string; readonly deletionLabel: string; readonly insertionLabel: string };
}

export const setThreadMarks = StateEffect.define<readonly ThreadMark[]>();

class InsertionWidget extends WidgetType {
  constructor(
    readonly threadId: string,
    readonly text: string,
    readonly label: string,
  ) {
    super();
  }
  override eq(o: InsertionWidget): boolean {
    return o.threadId === this.threadId && o.text === this.text && o.label === this.label;
  }
  toDOM(): HTMLElement {
    const ins = document.createElement("ins");
    ins.className = "kenes-suggest-ins";
    ins.dataset.thread = this.threadId;
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = `${this.label}: `;
    ins.append(hidden, this.text || "∅");
    return ins;
  }
  override ignoreEvent(): boolean {
    return true;
  }
}

class LabelWidget extends WidgetType {
  constructor(readonly label: string) {
    super();
  }
  override eq(o: LabelWidget): boolean {
    return o.label === this.label;
  }
  toDOM(): HTMLElement {
    const s = document.createElement("span");
    s.className = "visually-hidden";
    s.textContent = `${this.label}: `;
    return s;
  }
}

function build(marks: readonly ThreadMark[], length: number): DecorationSet {
  const ranges: CmRange<Decoration>[] = [];
  for (const m of marks) {
    const from = Math.max(0, Math.min(m.from, length));
    const to = Math.max(0, Math.min(m.to, length));
    if (from >= to) continue;
    const cls = ["kenes-thread-hl", m.active ? "active" : "", m.resolved ? "resolved" : "", m.suggestion ? "kenes-suggest-del" : ""].filter(Boolean).join(" ");
    if (m.suggestion) ranges.push(Decoration.widget({ widget: new LabelWidget(m.suggestion.deletionLabel), side: -1 }).range(from));
    ranges.push(Decoration.mark({ class: cls, attributes: { "data-thread": m.threadId } }).range(from, to));
    if (m.suggestion) ranges.push(Decoration.widget({ widget: new InsertionWidget(m.threadId, m.suggestion.text, m.suggestion.insertionLabel), side: 1 }).range(to));
  }
  return Decoration.set(ranges, true);
}

const field = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(value, tr) {
    let v = value.map(tr.changes);
    for (const e of tr.effects) if (e.is(setThreadMarks)) v = build(e.value, tr.state.doc.length);
    return v;
  },
  provide: (f) => EditorView.decorations.from(f),
});

export function threadHighlights(): Extension {
  return field;
}

/** Adds the extension to an editor made elsewhere (it is not in its config). */
export function installThreadHighlights(view: EditorView): void {
  if (view.state.field(field, false) === undefined) view.dispatch({ effects: StateEffect.appendConfig.of(threadHighlights()) });
}
