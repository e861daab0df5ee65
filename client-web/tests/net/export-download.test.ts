import { describe, expect, it } from "vitest";
import { type ExportOptions, exportFailure, exportFileName, exportRequest, fetchExport, fileNameFrom, takesVariant } from "../../src/net";
import { exportOptions } from "../../src/ui/exports-panel";

const EN: ExportOptions = { lang: "en", variant: "publication" };

describe("export download", () => {
  it("asks for the export with the invite token as a Bearer header, never in the URL", () => {
    const r = exportRequest("kz-2026", "report.html", "tok.en", EN);
    expect(r.url).toBe("/api/consultations/kz-2026/export/report.html?lang=en&variant=publication");
    expect(r.init.headers).toEqual({ Authorization: "Bearer tok.en" });
    expect(r.url).not.toContain("tok.en");
  });

  it("keeps the minutes/ slash and escapes the meeting id and the consultation id", () => {
    expect(exportRequest("kz 2026", "minutes/m 1?x.md", "t", EN).url).toBe("/api/consultations/kz%202026/export/minutes/m%201%3Fx.md?lang=en");
  });

  it("sends the language with every export and the variant with the report's three formats only", () => {
    const kkWorking: ExportOptions = { lang: "kk", variant: "working" };
    expect(exportRequest("kz", "report.md", "t", { lang: "kk", variant: "publication" }).url).toBe("/api/consultations/kz/export/report.md?lang=kk&variant=publication");
    expect(exportRequest("kz", "report.docx", "t", kkWorking).url).toBe("/api/consultations/kz/export/report.docx?lang=kk&variant=working");
    expect(exportRequest("kz", "report.html", "t", { lang: "ru", variant: "working" }).url).toBe("/api/consultations/kz/export/report.html?lang=ru&variant=working");
    // The server refuses a variant on anything but the report.
    expect(exportRequest("kz", "votes.csv", "t", kkWorking).url).toBe("/api/consultations/kz/export/votes.csv?lang=kk");
    expect(exportRequest("kz", "minutes/meeting-1.html", "t", kkWorking).url).toBe("/api/consultations/kz/export/minutes/meeting-1.html?lang=kk");
    expect(["report.md", "report.html", "report.docx"].every(takesVariant)).toBe(true);
    // Names that only look like the report do not take it either.
    expect(["votes.csv", "minutes/report.md", "report.pdf", "report.md.bak"].some(takesVariant)).toBe(false);
  });

  it("asks in the page's language and for the publication until the team chooses otherwise", () => {
    expect(exportOptions(null, "kk", null)).toEqual({ lang: "kk", variant: "publication" });
    expect(exportOptions(null, "ru", null)).toEqual({ lang: "ru", variant: "publication" });
    expect(exportOptions("en", "kk", null)).toEqual({ lang: "en", variant: "publication" });
    expect(exportOptions(null, "en", "working")).toEqual({ lang: "en", variant: "working" });
  });

  it("names a file it got no name for by the export, its language and, for the report, its variant", () => {
    expect(exportFileName("kz-2026", "report.md", { lang: "kk", variant: "publication" })).toBe("kz-2026-report-kk-publication.md");
    expect(exportFileName("kz-2026", "report.docx", { lang: "ru", variant: "working" })).toBe("kz-2026-report-ru-working.docx");
    expect(exportFileName("kz-2026", "votes.csv", { lang: "en", variant: "working" })).toBe("kz-2026-votes-en.csv");
    expect(exportFileName("kz-2026", "minutes/meeting-1.html", { lang: "kk", variant: "publication" })).toBe("kz-2026-minutes-meeting-1-kk.html");
  });

  it("maps each refusal to its kind and keeps the server's words", () => {
    expect(exportFailure(401, "the token is refused: expired\n")).toEqual({ kind: "unauthorized", status: 401, message: "the token is refused: expired" });
    expect(exportFailure(403, "this participant's access was revoked\n").kind).toBe("forbidden");
    expect(exportFailure(404, "no consultation x\n").kind).toBe("notFound");
    const docx = exportFailure(501, "DOCX export needs pandoc, which is not installed on this server\n");
    expect(docx.kind).toBe("unavailable");
    expect(docx.message).toContain("pandoc");
    expect(exportFailure(500, "").kind).toBe("failed");
    expect(exportFailure(429, "RATE_LIMITED: an export of yours is still being made; one at a time\n").kind).toBe("busy");
    expect(exportFailure(503, "BUSY: the server is making too many exports\n").kind).toBe("busy");
    expect(exportFailure(503, "not ready: starting").kind).toBe("busy"); // try again shortly, too
  });

  it("takes the file name from Content-Disposition, never a path", () => {
    expect(fileNameFrom('attachment; filename="kz-seq15-report.html"', "x")).toBe("kz-seq15-report.html");
    expect(fileNameFrom('attachment; filename="../etc/passwd"', "x")).toBe(".._etc_passwd");
    expect(fileNameFrom(null, "fallback.md")).toBe("fallback.md");
  });

  it("returns the body, the file name and the log head of an answer", async () => {
    let seen: { url: string; init?: RequestInit } | null = null;
    const fake = (async (url: string, init?: RequestInit) => {
      seen = { url, init };
      return new Response("<h1>report</h1>", {
        status: 200,
        headers: { "Content-Disposition": 'attachment; filename="kz-seq9-report.html"', "X-Kenes-Log-Head": "9:abcd" },
      });
    }) as unknown as typeof fetch;
    const r = await fetchExport("kz", "report.html", "tok", EN, fake);
    expect(seen!.url).toBe("/api/consultations/kz/export/report.html?lang=en&variant=publication");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fileName).toBe("kz-seq9-report.html");
    expect(r.logHead).toBe("9:abcd");
    expect(await r.blob.text()).toBe("<h1>report</h1>");
  });

  it("turns a refusal and a network error into failures, without throwing", async () => {
    const refused = (async () => new Response("DOCX export needs pandoc\n", { status: 501 })) as unknown as typeof fetch;
    const r = await fetchExport("kz", "report.docx", "tok", EN, refused);
    expect(r).toEqual({ ok: false, failure: { kind: "unavailable", status: 501, message: "DOCX export needs pandoc" } });
    const down = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    const d = await fetchExport("kz", "report.md", "tok", EN, down);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.failure.kind).toBe("network");
  });

  it("names the file after the export, its language and variant when the server gives no name", async () => {
    const bare = (async () => new Response("# Есеп", { status: 200 })) as unknown as typeof fetch;
    const r = await fetchExport("kz", "report.md", "tok", { lang: "kk", variant: "working" }, bare);
    expect(r.ok && r.fileName).toBe("kz-report-kk-working.md");
    const named = (async () => new Response("# Есеп", { status: 200, headers: { "Content-Disposition": 'attachment; filename="kz-seq4-report-kk.md"' } })) as unknown as typeof fetch;
    const s = await fetchExport("kz", "report.md", "tok", { lang: "kk", variant: "working" }, named);
    expect(s.ok && s.fileName, "the server's name wins").toBe("kz-seq4-report-kk.md");
  });
});
