// "Here now": who else is online and where, one line per person (several
// connections of one person are one line).
import type { ParticipantPresence, Role } from "../gen/kenes/v1/protocol_pb";
import { t } from "../i18n";
import { reportSlugOf } from "../model";
import { participantColor } from "./colors";
import { h } from "./dom";
import { reportSectionTitle } from "./labels";
import { personEl } from "./person";

export function renderPresence(others: readonly ParticipantPresence[], me: { name: string; id: string; role: Role }, currentDocId: string | null): HTMLElement {
  const people = new Map<string, { p: ParticipantPresence; typing: boolean; docs: Set<string> }>();
  for (const p of others) {
    if (p.participantId === me.id) continue; // my other tabs
    const e = people.get(p.participantId) ?? { p, typing: false, docs: new Set<string>() };
    e.typing ||= p.typing;
    if (p.docId) e.docs.add(p.docId);
    if (!people.has(p.participantId)) people.set(p.participantId, e);
  }
  const items = [...people.values()].sort((a, b) => a.p.displayName.localeCompare(b.p.displayName));
  const where = (docs: Set<string>): string => {
    if (currentDocId && docs.has(currentDocId)) return t("presence.onThis");
    const first = [...docs][0];
    if (first?.startsWith("indicator/")) return t("presence.onIndicator", { id: first.slice("indicator/".length) });
    const section = first ? reportSlugOf(first) : null;
    if (section) return t("presence.onReport", { section: reportSectionTitle(section) });
    return t("presence.onOverview");
  };
  return h(
    "section",
    { class: "presence", "aria-labelledby": "presence-title" },
    h("h2", { id: "presence-title", class: "panel-title" }, t("presence.title")),
    h(
      "ul",
      { class: "presence-list" },
      h(
        "li",
        { class: "presence-item" },
        h("span", { class: "avatar", style: `background-color: ${participantColor(me.id)}`, "aria-hidden": "true" }, initial(me.name)),
        h("span", { class: "presence-name" }, personEl(me.name, me.role), ` (${t("presence.you")})`),
      ),
      items.map(({ p, typing, docs }) =>
        h(
          "li",
          { class: "presence-item", "data-participant": p.participantId },
          h("span", { class: "avatar", style: `background-color: ${participantColor(p.participantId)}`, "aria-hidden": "true" }, initial(p.displayName)),
          h(
            "span",
            { class: "presence-text" },
            h("span", { class: "presence-name" }, personEl(p.displayName, p.role)),
            h("span", { class: "presence-where" }, where(docs)),
            typing ? h("span", { class: "presence-typing" }, t("presence.typing")) : null,
          ),
        ),
      ),
    ),
    items.length === 0 ? h("p", { class: "muted" }, t("presence.alone")) : null,
  );
}

function initial(name: string): string {
  const first = Array.from(name.trim())[0];
  return first ? first.toLocaleUpperCase() : "?";
}
