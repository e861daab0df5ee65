// What the overview counts and filters by (issue 20: "where are we?"), kept
// free of the DOM so that the counting and the filters are unit-tested.
//
// An indicator's progress is its status, except that a validated draft
// edited after the validated version counts apart, as "changed since
// validation": the board has to look at it again, so it is not done.
import { IndicatorStatus } from "../gen/kenes/v1/assessment_pb";
import type { Role } from "../gen/kenes/v1/protocol_pb";
import type { PollState } from "../model";

export type Progress = "validated" | "changed" | "inReview" | "needsRevision" | "drafting" | "notStarted";

/** The bar's order, left to right: what is done first, what has not begun last. */
export const PROGRESS_ORDER: readonly Progress[] = ["validated", "changed", "inReview", "needsRevision", "drafting", "notStarted"];

export interface ProgressFacts {
  readonly status: IndicatorStatus | undefined;
  readonly changedSinceValidation: boolean;
}

export function progressOf(s: ProgressFacts): Progress {
  switch (s.status) {
    case IndicatorStatus.VALIDATED:
      return s.changedSinceValidation ? "changed" : "validated";
    case IndicatorStatus.IN_REVIEW:
      return "inReview";
    case IndicatorStatus.NEEDS_REVISION:
      return "needsRevision";
    case IndicatorStatus.DRAFTING:
      return "drafting";
    default:
      return "notStarted";
  }
}

export type ProgressCounts = Record<Progress, number> & { total: number };

export function emptyCounts(): ProgressCounts {
  return { validated: 0, changed: 0, inReview: 0, needsRevision: 0, drafting: 0, notStarted: 0, total: 0 };
}

export function countProgress(items: Iterable<ProgressFacts>): ProgressCounts {
  const c = emptyCounts();
  for (const s of items) {
    c[progressOf(s)]++;
    c.total++;
  }
  return c;
}

/** The non-zero counts in bar order, for the bar's segments and its text. */
export function progressParts(c: ProgressCounts): { progress: Progress; n: number }[] {
  return PROGRESS_ORDER.filter((p) => c[p] > 0).map((p) => ({ progress: p, n: c[p] }));
}

/**
 * Whether a validation (or any) poll on the indicator waits for my ballot:
 * open, my role may vote, and I have not voted. The same rule as the ballot
 * dialog's (assessment-panel.ts canVote / beforeMyVote), per indicator.
 */
export function awaitsMyVote(polls: Iterable<PollState>, indicatorId: string, role: Role): boolean {
  for (const p of polls) {
    if (p.phase === "open" && p.definition.targetIndicatorId === indicatorId && p.definition.eligibleRoles.includes(role) && !p.myChoices) return true;
  }
  return false;
}

export interface OverviewFilter {
  readonly mine: boolean;
  readonly unread: boolean;
  readonly needsMyVote: boolean;
  /** Past its due date and not validated (the chair's filter). */
  readonly overdue: boolean;
  /** "" for any progress. */
  readonly progress: Progress | "";
  readonly coreOnly: boolean;
}

export const NO_FILTER: OverviewFilter = { mine: false, unread: false, needsMyVote: false, overdue: false, progress: "", coreOnly: false };

export interface RowFacts extends ProgressFacts {
  readonly core: boolean;
  readonly unreadComments: number;
  /** I am among the assignees. */
  readonly mine: boolean;
  readonly needsMyVote: boolean;
  readonly overdue: boolean;
}

/**
 * Today in the browser's calendar, "YYYY-MM-DD": a due date is a day in the
 * team's calendar, not an instant, so it is compared with the local day.
 */
export function localDay(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * Overdue: the due day has passed and the indicator is not validated. A
 * validated draft changed since counts as not done: the board must look at
 * it again. ISO dates compare as strings.
 */
export function isOverdue(dueDate: string, progress: Progress, today: string): boolean {
  return dueDate !== "" && dueDate < today && progress !== "validated";
}

/** Every ticked filter must hold (they narrow; none ticked shows all). */
export function matchesFilter(r: RowFacts, f: OverviewFilter): boolean {
  if (f.coreOnly && !r.core) return false;
  if (f.mine && !r.mine) return false;
  if (f.unread && r.unreadComments <= 0) return false;
  if (f.needsMyVote && !r.needsMyVote) return false;
  if (f.overdue && !r.overdue) return false;
  if (f.progress && progressOf(r) !== f.progress) return false;
  return true;
}

/**
 * Filters other than "core only" hide rows, not progress: the bars count
 * every indicator in scope (and core, if so chosen), so the answer to
 * "where are we?" does not change with what one chose to list.
 */
export function narrows(f: OverviewFilter): boolean {
  return f.mine || f.unread || f.needsMyVote || f.overdue || f.progress !== "";
}
