// A person's name with their role beside it, as an element: "Aigerim · Chair".
// The role is a span of its own, styled apart from the name, so that a display
// name imitating a role ("Aigerim · Chair" typed as a name) still reads as a
// name followed by the real role (issue 17, item 7). Its text is the same as
// labels.ts nameWithRole, for screen readers and for copying.
import type { Role } from "../gen/kenes/v1/protocol_pb";
import { h } from "./dom";
import { type RosterLike, roleName } from "./labels";

export function personEl(name: string, role: Role, nameTag: "span" | "strong" = "span"): HTMLElement {
  return h("span", { class: "person" }, h(nameTag, { class: "person-name" }, name), h("span", { class: "person-role" }, ` · ${roleName(role)}`));
}

/** A participant by id; the `unknown` text alone when the roster does not know them. */
export function personById(roster: RosterLike, id: string, unknown: string = id, nameTag: "span" | "strong" = "span"): HTMLElement | string {
  const p = roster.participants.get(id);
  return p ? personEl(p.displayName || id, p.role, nameTag) : unknown;
}
