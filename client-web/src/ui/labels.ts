// Translated names for protocol values.
import type { ErrorCode } from "../gen/kenes/v1/protocol_pb";
import { Role } from "../gen/kenes/v1/protocol_pb";
import type { StakeholderGroup } from "../gen/kenes/v1/log_pb";
import { type MessageKey, formatDate, language, t } from "../i18n";
import type { ReportSectionSlug } from "../model";

export function roleName(role: Role): string {
  switch (role) {
    case Role.CHAIR:
      return t("role.chair");
    case Role.RESEARCHER:
      return t("role.researcher");
    case Role.MEMBER:
      return t("role.member");
    case Role.OBSERVER:
      return t("role.observer");
    default:
      return t("role.unknown");
  }
}

/**
 * A person as every view names them: "Aigerim · Chair". The role comes from
 * the roster (or the server's presence entry), never from the name, so a name
 * such as "Aigerim (chair)" cannot pass for a role (issue 17, item 7).
 */
export function nameWithRole(name: string, role: Role): string {
  return `${name} · ${roleName(role)}`;
}

/** What nameWithRole needs of the consultation's roster (model/consultation.ts). */
export interface RosterLike {
  readonly participants: ReadonlyMap<string, { readonly displayName: string; readonly role: Role }>;
}

/**
 * A participant by id, with their role. One the roster does not know (yet:
 * a record can arrive before the roster entry) shows as `unknown`, the id by
 * default, with no role: a guessed role would be worse than none.
 */
export function personName(roster: RosterLike, id: string, unknown: string = id): string {
  const p = roster.participants.get(id);
  return p ? nameWithRole(p.displayName || id, p.role) : unknown;
}

export function groupName(group: StakeholderGroup): string {
  return t(`group.${group}` as MessageKey);
}

/** The sentence for a server error code (never the code itself). */
export function errorSentence(code: ErrorCode): string {
  const key = `error.${code}` as MessageKey;
  const s = t(key);
  return s === key ? t("error.0") : s;
}

export function statusName(status: number): string {
  return t(`status.${status || 1}` as MessageKey);
}

/** Server breakdown labels: a group's lower-case name, a gender, "not stated" or "other". */
const GROUP_LABELS: Record<string, number> = {
  government: 1,
  academia: 2,
  "technical community": 3,
  "private sector": 4,
  media: 5,
  "civil society": 6,
  users: 7,
  "un intergovernmental": 8,
  "un / intergovernmental": 8,
  "national igf": 9,
  "other stakeholders": 10,
};

export function breakdownLabel(label: string): string {
  const l = label.trim().toLowerCase();
  // The engine's key for groups under 3 voters merged (engine/poll.h,
  // kMergedGroupLabel); the stakeholder group Other is "other stakeholders".
  if (l === "other") return t("poll.other");
  if (l === "not stated" || l === "") return t("poll.notStated");
  const g = GROUP_LABELS[l];
  return g ? t(`group.${g}` as MessageKey) : label;
}

/**
 * A civil date "YYYY-MM-DD" (a due date: a day, not an instant) as the
 * page's language writes it, "12 March 2027". Formatted in UTC so that no
 * time zone moves it to the day before.
 */
export function dayLabel(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  return formatDate(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])), language(), { timeZone: "UTC" });
}

/** A report section's title ("Executive summary"), from its slug. */
export function reportSectionTitle(slug: ReportSectionSlug): string {
  return t(`report.section.${slug}` as MessageKey);
}

/** What goes in a report section, in a sentence. */
export function reportSectionAbout(slug: ReportSectionSlug): string {
  return t(`report.about.${slug}` as MessageKey);
}
