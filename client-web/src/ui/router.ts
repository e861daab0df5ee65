// Paths: /join#token=... (an invite link), /c/<consultation> (overview),
// /c/<consultation>/i/<indicator id> (indicator view), /c/<consultation>/present
// (the presenter view), /c/<consultation>/people (the chair's roster),
// /c/<consultation>/r/<category>/<group slug> (a
// category's policy recommendations to one stakeholder group),
// /c/<consultation>/report (the report's outline) and
// /c/<consultation>/report/<section slug> (one of its sections, e.g. the
// executive summary), / (home). The server serves index.html for every
// unknown path.

export type Route =
  | { readonly kind: "home" }
  | { readonly kind: "join" }
  | { readonly kind: "overview"; readonly consultationId: string }
  | { readonly kind: "indicator"; readonly consultationId: string; readonly indicatorId: string }
  | { readonly kind: "present"; readonly consultationId: string }
  | { readonly kind: "people"; readonly consultationId: string }
  | { readonly kind: "report"; readonly consultationId: string }
  | { readonly kind: "reportSection"; readonly consultationId: string; readonly slug: string }
  | { readonly kind: "recommendation"; readonly consultationId: string; readonly categoryId: string; readonly group: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split("/").filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts[0] === "join") return { kind: "join" };
  if (parts[0] === "c" && parts[1]) {
    if (parts[2] === "present") return { kind: "present", consultationId: parts[1] };
    if (parts[2] === "people") return { kind: "people", consultationId: parts[1] };
    // A slug the page does not know still opens the section page, which says so.
    if (parts[2] === "report") return parts[3] ? { kind: "reportSection", consultationId: parts[1], slug: parts[3] } : { kind: "report", consultationId: parts[1] };
    if (parts[2] === "r" && parts[3] && parts[4])
      return { kind: "recommendation", consultationId: parts[1], categoryId: parts[3], group: parts[4] };
    if (parts[2] === "i" && parts[3]) return { kind: "indicator", consultationId: parts[1], indicatorId: parts[3] };
    return { kind: "overview", consultationId: parts[1] };
  }
  return { kind: "home" };
}

export function overviewPath(consultationId: string): string {
  return `/c/${encodeURIComponent(consultationId)}`;
}

export function indicatorPath(consultationId: string, indicatorId: string): string {
  return `/c/${encodeURIComponent(consultationId)}/i/${encodeURIComponent(indicatorId)}`;
}

/** The presenter view for the meeting room's projector. */
export function presentPath(consultationId: string): string {
  return `/c/${encodeURIComponent(consultationId)}/present`;
}

/** A category's recommendations to one stakeholder group (group: its slug). */
export function recommendationPath(consultationId: string, categoryId: string, group: string): string {
  return `/c/${encodeURIComponent(consultationId)}/r/${encodeURIComponent(categoryId)}/${encodeURIComponent(group)}`;
}

/** The chair's people page: invitations, links, registration links. */
export function peoplePath(consultationId: string): string {
  return `/c/${encodeURIComponent(consultationId)}/people`;
}

/** The report's outline: its sections in order, each with its state. */
export function reportPath(consultationId: string): string {
  return `/c/${encodeURIComponent(consultationId)}/report`;
}

/** One section of the report (slug: e.g. "executive-summary"). */
export function reportSectionPath(consultationId: string, slug: string): string {
  return `/c/${encodeURIComponent(consultationId)}/report/${encodeURIComponent(slug)}`;
}
