import { describe, expect, it } from "vitest";
import { exportFailure, exportRequest, fetchExport, fileNameFrom } from "../../src/net";

describe("export download", () => {
  it("asks for the export with the invite token as a Bearer header, never in the URL", () => {
    const r = exportRequest("kz-2026", "report.html", "tok.en");
    expect(r.url).toBe("/api/consultations/kz-2026/export/report.html");
    expect(r.init.headers).toEqual({ Authorization: "Bearer tok.en" });
    expect(r.url).not.toContain("tok.en");
  });

  it("keeps the minutes/ slash and escapes the meeting id and the consultation id", () => {
    expect(exportRequest("kz 2026", "minutes/m 1?x.md", "t").url).toBe("/api/consultations/kz%202026/export/minutes/m%201%3Fx.md");
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
    const r = await fetchExport("kz", "report.html", "tok", fake);
    expect(seen!.url).toBe("/api/consultations/kz/export/report.html");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fileName).toBe("kz-seq9-report.html");
    expect(r.logHead).toBe("9:abcd");
    expect(await r.blob.text()).toBe("<h1>report</h1>");
  });

  it("turns a refusal and a network error into failures, without throwing", async () => {
    const refused = (async () => new Response("DOCX export needs pandoc\n", { status: 501 })) as unknown as typeof fetch;
    const r = await fetchExport("kz", "report.docx", "tok", refused);
    expect(r).toEqual({ ok: false, failure: { kind: "unavailable", status: 501, message: "DOCX export needs pandoc" } });
    const down = (async () => {
      throw new TypeError("Failed to fetch");
    }) as unknown as typeof fetch;
    const d = await fetchExport("kz", "report.md", "tok", down);
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.failure.kind).toBe("network");
  });
});
