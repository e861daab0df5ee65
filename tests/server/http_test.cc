// The server's HTTP side over real HTTP on loopback: the web app from a
// temporary --web-root (types, ETags, the single-page-app fallback, no way
// out of the web root), the operator endpoints, the security headers.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test_harness.h"

namespace kenes::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kIndex[] = "<!doctype html><title>Kenes</title><div id=app></div>\n";
constexpr char kScript[] = "console.log('kenes');\n";
constexpr char kStyle[] = "body { margin: 0 }\n";
// Precompressed variants as the build writes them (the server never looks
// inside: any bytes do).
constexpr char kBig[] = "export const words = ['consultation', 'consultation', 'consultation'];\n";
constexpr char kBigGz[] = "GZIP-BYTES";
constexpr char kBigBr[] = "BR";
constexpr char kSecret[] = "TOP-SECRET: outside the web root\n";

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// One server for the whole suite; the web root and a secret file beside it
// are written before the first request.
class HttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    const fs::path root = server_->data_dir();
    write_file(root / "web" / "index.html", kIndex);
    write_file(root / "web" / "assets" / "app-3f9a1c07.js", kScript);
    write_file(root / "web" / "assets" / "styles-77ab12cd.css", kStyle);
    write_file(root / "web" / "assets" / "vendor-51e0aa99.js", kBig);
    write_file(root / "web" / "assets" / "vendor-51e0aa99.js.gz", kBigGz);
    write_file(root / "web" / "assets" / "vendor-51e0aa99.js.br", kBigBr);
    // Fixed names, as a build before hashed names wrote them.
    write_file(root / "web" / "assets" / "app.js", kScript);
    write_file(root / "web" / "sw.js", kScript);
    write_file(root / "secret.txt", kSecret);
    // Links that lead out of the web root.
    fs::create_symlink(root / "secret.txt", root / "web" / "assets" / "leak.txt");
    fs::create_directory_symlink(root, root / "web" / "outside");
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static HttpReply get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& h = {}) {
    return http_request(server_->port(), "GET", target, h);
  }

  static TestServer* server_;
};
TestServer* HttpTest::server_ = nullptr;

// Every response, whatever its status, carries these: a 404 page or a 304
// is as framable and sniffable as the app.
void expect_security_headers(const HttpReply& r) {
  SCOPED_TRACE("status " + std::to_string(r.status));
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("strict-transport-security"), "");  // plain HTTP: only native TLS sends it
  EXPECT_EQ(r.header("x-frame-options"), "DENY");
  EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
  const std::string csp = r.header("content-security-policy");
  for (const char* directive : {"default-src 'self'", "script-src 'self';", "connect-src 'self';",
                                "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"}) {
    EXPECT_NE(csp.find(directive), std::string::npos) << directive << " missing from " << csp;
  }
  // Nothing beyond this server may run script or be connected to.
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << csp;
  EXPECT_EQ(csp.find(" ws:"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("*"), std::string::npos) << csp;
}

TEST_F(HttpTest, TheIndexIsServedAsHtmlWithTheSecurityHeaders) {
  HttpReply r = get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kIndex);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(r.header("cache-control"), "no-cache");
  expect_security_headers(r);
}

TEST_F(HttpTest, AnAssetHasItsContentTypeAndAnEtagThatRevalidatesTo304) {
  HttpReply js = get("/assets/app-3f9a1c07.js");
  ASSERT_EQ(js.status, 200);
  EXPECT_EQ(js.body, kScript);
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_NE(js.header("cache-control").find("immutable"), std::string::npos) << js.header("cache-control");
  const std::string etag = js.header("etag");
  ASSERT_FALSE(etag.empty());
  expect_security_headers(js);

  HttpReply again = get("/assets/app-3f9a1c07.js", {{"If-None-Match", etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.header("etag"), etag);

  HttpReply stale = get("/assets/app-3f9a1c07.js", {{"If-None-Match", "\"something-else\""}});
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.body, kScript);

  HttpReply css = get("/assets/styles-77ab12cd.css");
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.header("content-type"), "text/css; charset=utf-8");
}

// Only a name that changes with its content may be cached for a year: a fix
// to a fixed-name file would otherwise not reach a returning browser for that
// year (issue 17, item 6).
TEST_F(HttpTest, OnlyContentHashedNamesAreCachedForAYear) {
  const std::string year = "public, max-age=31536000, immutable";
  for (const char* hashed : {"/assets/app-3f9a1c07.js", "/assets/styles-77ab12cd.css", "/assets/vendor-51e0aa99.js",
                             "/assets/vendor-51e0aa99.js.br"}) {
    HttpReply r = get(hashed, {{"Accept-Encoding", "br"}});
    ASSERT_EQ(r.status, 200) << hashed;
    EXPECT_EQ(r.header("cache-control"), year) << hashed;
  }
  HttpReply br = get("/assets/vendor-51e0aa99.js", {{"Accept-Encoding", "br"}});
  EXPECT_EQ(br.header("content-encoding"), "br");
  EXPECT_EQ(br.header("cache-control"), year);
  for (const char* fixed : {"/assets/app.js", "/sw.js", "/", "/index.html", "/join"}) {
    HttpReply r = get(fixed);
    ASSERT_EQ(r.status, 200) << fixed;
    EXPECT_EQ(r.header("cache-control"), "no-cache") << fixed;
    HttpReply again = get(fixed, {{"If-None-Match", r.header("etag")}});
    EXPECT_EQ(again.status, 304) << fixed;
    EXPECT_EQ(again.header("cache-control"), "no-cache") << fixed;
  }
}

TEST_F(HttpTest, ClientSideRoutesGetTheApp) {
  for (const char* route : {"/join", "/join?lang=kk", "/c/demo/i/R.1", "/c/demo/i/R.1.1/"}) {
    HttpReply r = get(route);
    EXPECT_EQ(r.status, 200) << route;
    EXPECT_EQ(r.body, kIndex) << route;
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8") << route;
  }
}

TEST_F(HttpTest, AMissingAssetIsA404NotTheApp) {
  HttpReply r = get("/assets/x.js");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body.find("<!doctype"), std::string::npos) << r.body;
  expect_security_headers(r);
}

TEST_F(HttpTest, TraversalAttemptsNeverReachAFileOutsideTheWebRoot) {
  const std::vector<std::string> attempts = {
      "/../secret.txt",
      "/assets/../../secret.txt",
      "/./../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/assets/..%5c..%5csecret.txt",
      "/assets/%252e%252e/%252e%252e/secret.txt",
      "/secret.txt%00.js",
      "/assets/leak.txt",        // a symlink to the secret
      "/outside/secret.txt",     // a symlinked folder outside the root
      "/assets/../outside/secret.txt",
  };
  for (const auto& target : attempts) {
    HttpReply r = get(target);
    EXPECT_TRUE(r.status == 400 || r.status == 404) << target << " -> " << r.status;
    EXPECT_EQ(r.body.find("TOP-SECRET"), std::string::npos) << target << " served the secret";
  }
}

TEST_F(HttpTest, HeadGivesTheHeadersOfGetWithoutTheBody) {
  HttpReply get_reply = get("/assets/app-3f9a1c07.js");
  HttpReply head = http_request(server_->port(), "HEAD", "/assets/app-3f9a1c07.js");
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("content-length"), std::to_string(std::string(kScript).size()));
  EXPECT_EQ(head.header("content-type"), get_reply.header("content-type"));
  EXPECT_EQ(head.header("etag"), get_reply.header("etag"));
  expect_security_headers(head);
}

TEST_F(HttpTest, APrecompressedVariantIsServedByAcceptEncodingWithItsOwnLengthAndEtag) {
  const std::string path = "/assets/vendor-51e0aa99.js";
  HttpReply br = get(path, {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(br.status, 200);
  EXPECT_EQ(br.body, kBigBr);
  EXPECT_EQ(br.header("content-encoding"), "br");
  EXPECT_EQ(br.header("content-length"), std::to_string(std::string(kBigBr).size()));
  EXPECT_EQ(br.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(br.header("vary"), "Accept-Encoding");
  expect_security_headers(br);

  HttpReply gz = get(path, {{"Accept-Encoding", "gzip, br;q=0"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.body, kBigGz);
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  EXPECT_EQ(gz.header("vary"), "Accept-Encoding");

  HttpReply plain = get(path);
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.body, kBig);
  EXPECT_EQ(plain.header("content-encoding"), "");
  EXPECT_EQ(plain.header("vary"), "Accept-Encoding");
  EXPECT_EQ(plain.header("content-length"), std::to_string(std::string(kBig).size()));

  // Three representations, three ETags; each revalidates only itself.
  EXPECT_NE(br.header("etag"), gz.header("etag"));
  EXPECT_NE(br.header("etag"), plain.header("etag"));
  HttpReply again = get(path, {{"Accept-Encoding", "br"}, {"If-None-Match", br.header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(again.header("etag"), br.header("etag"));
  EXPECT_EQ(again.header("vary"), "Accept-Encoding");
  HttpReply other = get(path, {{"Accept-Encoding", "gzip"}, {"If-None-Match", br.header("etag")}});
  EXPECT_EQ(other.status, 200);
  EXPECT_EQ(other.body, kBigGz);

  HttpReply head = http_request(server_->port(), "HEAD", path, {{"Accept-Encoding", "br"}});
  ASSERT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.header("content-encoding"), "br");
  EXPECT_EQ(head.header("content-length"), std::to_string(std::string(kBigBr).size()));
}

TEST_F(HttpTest, HealthAndReadinessAnswer200) {
  HttpReply health = get("/healthz");
  EXPECT_EQ(health.status, 200);
  expect_security_headers(health);
  EXPECT_EQ(get("/readyz").status, 200);
}

TEST_F(HttpTest, MetricsAreInThePrometheusTextFormat) {
  HttpReply r = get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u) << r.header("content-type");
  for (const char* name : {"\nkenes_connections ", "\nkenes_rooms ", "kenes_append_latency_seconds_bucket{le=\"+Inf\"}",
                           "kenes_errors_total{code=", "# TYPE kenes_ops_total counter"}) {
    EXPECT_NE(r.body.find(name), std::string::npos) << name << " missing from\n" << r.body;
  }
  // The memory gauges carry real numbers: the process has a resident set,
  // and RocksDB's cache its fixed capacity.
  auto gauge = [&](const std::string& name) -> long long {
    size_t at = r.body.find("\n" + name + " ");
    if (at == std::string::npos) return -1;
    return std::stoll(r.body.substr(at + name.size() + 2));
  };
  EXPECT_GT(gauge("process_resident_memory_bytes"), 1 << 20);
  EXPECT_EQ(gauge("kenes_storage_block_cache_capacity_bytes"), 64 << 20);
  EXPECT_GE(gauge("kenes_storage_block_cache_bytes"), 0);
  EXPECT_GE(gauge("kenes_storage_memtable_bytes"), 0);
}

TEST_F(HttpTest, VersionIsJson) {
  HttpReply r = get("/version");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.body.rfind("{\"version\":\"", 0), 0u) << r.body;
}

TEST_F(HttpTest, EveryKindOfResponseCarriesTheSecurityHeaders) {
  expect_security_headers(get("/metrics"));
  expect_security_headers(get("/version"));
  expect_security_headers(get("/readyz"));
  expect_security_headers(get("/assets/missing.js"));       // 404
  expect_security_headers(get("/%2e%2e%2fsecret.txt"));    // 400
  expect_security_headers(http_request(server_->port(), "POST", "/"));  // 405
  HttpReply js = get("/assets/app-3f9a1c07.js");
  expect_security_headers(js);
  HttpReply not_modified = get("/assets/app-3f9a1c07.js", {{"If-None-Match", js.header("etag")}});
  ASSERT_EQ(not_modified.status, 304);
  expect_security_headers(not_modified);
  expect_security_headers(http_request(server_->port(), "HEAD", "/"));
}

TEST(HttpLimitTest, TheConnectionLimitsRaw503CarriesTheSecurityHeadersToo) {
  TestServer server([](server::ServerOptions& o) { o.max_connections = 0; });
  HttpReply r = http_get(server.port(), "/healthz");
  ASSERT_EQ(r.status, 503);
  expect_security_headers(r);
}

// --metrics-listen: the figures on an address of their own, and no longer on
// the public port; the rest of the public port is unchanged.
TEST(HttpMetricsListenTest, WithMetricsListenOnlyTheMetricsPortAnswersMetrics) {
  TestServer server([](server::ServerOptions& o) { o.metrics_listen = "127.0.0.1:0"; });
  ASSERT_NE(server.metrics_port(), 0);
  ASSERT_NE(server.metrics_port(), server.port());

  HttpReply public_metrics = http_get(server.port(), "/metrics");
  EXPECT_EQ(public_metrics.status, 404);
  EXPECT_EQ(public_metrics.body.find("kenes_"), std::string::npos) << public_metrics.body;
  expect_security_headers(public_metrics);
  EXPECT_EQ(http_get(server.port(), "/metrics?x=1").status, 404);
  EXPECT_EQ(http_get(server.port(), "/healthz").status, 200);
  EXPECT_EQ(http_get(server.port(), "/readyz").status, 200);

  HttpReply scraped = http_get(server.metrics_port(), "/metrics");
  ASSERT_EQ(scraped.status, 200);
  EXPECT_EQ(scraped.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
  for (const char* name : {"\nkenes_connections ", "\nkenes_connections_refused_unauthenticated_total ",
                           "\nkenes_rooms "}) {
    EXPECT_NE(scraped.body.find(name), std::string::npos) << name << " missing from\n" << scraped.body;
  }
  expect_security_headers(scraped);
  EXPECT_EQ(http_get(server.metrics_port(), "/healthz").status, 200);
  // Nothing else is served there: not the app, not exports, not the WebSocket.
  EXPECT_EQ(http_get(server.metrics_port(), "/").status, 404);
  EXPECT_EQ(http_get(server.metrics_port(), "/api/consultations/demo/export/report.md").status, 404);
  EXPECT_EQ(http_request(server.metrics_port(), "GET", "/ws",
                         {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Version", "13"},
                          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}})
                .status,
            404);
  EXPECT_EQ(http_request(server.metrics_port(), "POST", "/metrics").status, 405);
  HttpReply head = http_request(server.metrics_port(), "HEAD", "/metrics");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

TEST(HttpMetricsListenTest, WithoutMetricsListenMetricsStayOnThePublicPort) {
  TestServer server;
  EXPECT_EQ(server.metrics_port(), 0);
  EXPECT_EQ(http_get(server.port(), "/metrics").status, 200);
}

TEST(HttpMetricsListenTest, AMetricsListenAddressThatIsTheListenAddressOrNotAnAddressIsRefused) {
  for (std::vector<std::string> args : {std::vector<std::string>{"kenes-server", "--listen", "127.0.0.1:8080",
                                                                 "--metrics-listen", "127.0.0.1:8080"},
                                        std::vector<std::string>{"kenes-server", "--metrics-listen", "localhost:9090"},
                                        std::vector<std::string>{"kenes-server", "--metrics-listen", "9090"}}) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    ::testing::internal::CaptureStderr();
    auto parsed = server::parse_server_options(static_cast<int>(argv.size()), argv.data());
    const std::string said = ::testing::internal::GetCapturedStderr();
    EXPECT_FALSE(parsed.options) << args.back();
    EXPECT_EQ(parsed.exit_code, 2);
    EXPECT_NE(said.find("--metrics-listen"), std::string::npos) << said;
  }
}

TEST_F(HttpTest, OtherMethodsGet405WithTheAllowedOnes) {
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    for (const char* target : {"/", "/healthz", "/assets/app-3f9a1c07.js"}) {
      HttpReply r = http_request(server_->port(), method, target);
      EXPECT_EQ(r.status, 405) << method << " " << target;
      EXPECT_EQ(r.header("allow"), "GET, HEAD") << method << " " << target;
    }
  }
}

}  // namespace
}  // namespace kenes::testing

// ------------------------------------------------------------- exports

namespace kenes::testing {
namespace {

constexpr char kReport[] = "/api/consultations/demo/export/report.md";

std::vector<std::pair<std::string, std::string>> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

TEST_F(HttpTest, AnExportNeedsAnInviteTokenAsABearer) {
  HttpReply none = get(kReport);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("www-authenticate"), "Bearer realm=\"kenes\"");
  EXPECT_NE(none.body.find("Authorization: Bearer <token>"), std::string::npos) << none.body;
  HttpReply forged = get(kReport, bearer("v1.eyJjIjoiZGVtbyJ9.AAAA"));
  EXPECT_EQ(forged.status, 401) << forged.body;
  HttpReply expired = get(kReport, bearer(server_->token(kenes::v1::ROLE_CHAIR, "demo-chair", "demo", -10)));
  EXPECT_EQ(expired.status, 401) << expired.body;
  HttpReply elsewhere =
      get("/api/consultations/other/export/report.md", bearer(server_->token(kenes::v1::ROLE_CHAIR, "demo-chair")));
  EXPECT_EQ(elsewhere.status, 403) << elsewhere.body;
  EXPECT_EQ(elsewhere.body, "this token is for another consultation\n");
}

TEST_F(HttpTest, EveryRoleMayDownloadTheReportWhichNamesTheLogHead) {
  storage::Head head = *server_->server().consultation_log().head("demo");
  for (auto [role, who] : {std::pair{kenes::v1::ROLE_OBSERVER, "demo-observer"},
                           std::pair{kenes::v1::ROLE_MEMBER, "demo-member-1"},
                           std::pair{kenes::v1::ROLE_CHAIR, "demo-chair"}}) {
    HttpReply r = get(kReport, bearer(server_->token(role, who)));
    ASSERT_EQ(r.status, 200) << who << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "text/markdown; charset=utf-8");
    std::string expected_head = std::to_string(head.seq) + ":" + storage::to_hex(head.hash);
    EXPECT_EQ(r.header("x-kenes-log-head"), expected_head);
    EXPECT_EQ(r.header("content-disposition"),
              "attachment; filename=\"demo-seq" + std::to_string(head.seq) + "-report-en-publication.md\"");
    EXPECT_NE(r.body.find("--expect-head " + expected_head), std::string::npos);
    EXPECT_NE(r.body.find("## R. Rights"), std::string::npos);
    expect_security_headers(r);
  }
  HttpReply html = get("/api/consultations/demo/export/report.html",
                       bearer(server_->token(kenes::v1::ROLE_OBSERVER, "demo-observer")));
  ASSERT_EQ(html.status, 200);
  EXPECT_EQ(html.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(html.body.rfind("<!DOCTYPE html>", 0), 0u);
  HttpReply head_only = http_request(server_->port(), "HEAD", kReport,
                                     bearer(server_->token(kenes::v1::ROLE_OBSERVER, "demo-observer")));
  EXPECT_EQ(head_only.status, 200);
  EXPECT_EQ(head_only.body, "");
}

TEST_F(HttpTest, UnknownExportsAre404AndVotesAndDocxAreServed) {
  auto token = bearer(server_->token(kenes::v1::ROLE_CHAIR, "demo-chair"));
  HttpReply unknown = get("/api/consultations/demo/export/report.pdf", token);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("there are: report.md, report.html, report.docx, votes.csv, minutes/<meeting id>.md"),
            std::string::npos)
      << unknown.body;
  HttpReply no_meeting = get("/api/consultations/demo/export/minutes/meeting-7.md", token);
  EXPECT_EQ(no_meeting.status, 404);
  EXPECT_EQ(no_meeting.body, "no meeting meeting-7\n");
  HttpReply votes = get("/api/consultations/demo/export/votes.csv", token);
  EXPECT_EQ(votes.status, 200) << votes.body;
  EXPECT_EQ(votes.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(votes.body.rfind("consultation,demo\nlog_head,", 0), 0u) << votes.body;
  // Written natively (replay/report/docx.cc): no converter on the server
  // decides whether a DOCX can be had.
  HttpReply docx = get("/api/consultations/demo/export/report.docx", token);
  ASSERT_EQ(docx.status, 200) << docx.body;
  EXPECT_EQ(docx.header("content-type"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(docx.body.rfind("PK\x03\x04", 0), 0u) << "not a ZIP package";
  EXPECT_NE(docx.body.find("word/document.xml"), std::string::npos);
  EXPECT_NE(docx.header("content-disposition").find("-report-en-publication.docx\""), std::string::npos)
      << docx.header("content-disposition");
}

TEST_F(HttpTest, TheReportIsInTheAskedLanguageAndAnUnknownOneIs400) {
  auto token = bearer(server_->token(kenes::v1::ROLE_OBSERVER, "demo-observer"));
  const std::string seq = std::to_string(server_->server().consultation_log().head("demo")->seq);
  HttpReply kk = get("/api/consultations/demo/export/report.html?lang=kk", token);
  ASSERT_EQ(kk.status, 200) << kk.body;
  EXPECT_NE(kk.body.find("<html lang=\"kk\">"), std::string::npos) << kk.body.substr(0, 300);
  EXPECT_NE(kk.body.find("Мазмұны"), std::string::npos);
  EXPECT_EQ(kk.header("content-disposition"), "attachment; filename=\"demo-seq" + seq + "-report-kk-publication.html\"");
  // A browser's language tag is accepted as its language, among other parameters.
  HttpReply ru = get("/api/consultations/demo/export/report.md?v=2&lang=ru-RU", token);
  ASSERT_EQ(ru.status, 200) << ru.body;
  EXPECT_NE(ru.body.find("## Содержание"), std::string::npos);
  EXPECT_EQ(ru.header("content-disposition"), "attachment; filename=\"demo-seq" + seq + "-report-ru-publication.md\"");
  HttpReply en = get("/api/consultations/demo/export/report.html?lang=en", token);
  ASSERT_EQ(en.status, 200) << en.body;
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_EQ(en.header("content-disposition"), "attachment; filename=\"demo-seq" + seq + "-report-en-publication.html\"");

  HttpReply unknown = get("/api/consultations/demo/export/report.html?lang=xx", token);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, "unknown language \"xx\": lang is en, ru or kk\n");
  expect_security_headers(unknown);
  EXPECT_EQ(get("/api/consultations/demo/export/report.html?lang=", token).status, 400);
  HttpReply twice = get("/api/consultations/demo/export/report.html?lang=kk&lang=en", token);
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(twice.body, "lang is given more than once\n");
}

TEST_F(HttpTest, TheReportIsThePublicationUnlessTheWorkingCopyIsAskedAndAVariantElsewhereIs400) {
  auto token = bearer(server_->token(kenes::v1::ROLE_OBSERVER, "demo-observer"));
  const std::string seq = std::to_string(server_->server().consultation_log().head("demo")->seq);
  const std::string target = "/api/consultations/demo/export/report.md";
  HttpReply publication = get(target, token);
  ASSERT_EQ(publication.status, 200) << publication.body;
  EXPECT_NE(publication.body.find("## R. Rights"), std::string::npos) << "the demo's R.1 is drafted";
  EXPECT_EQ(publication.body.find("not written yet"), std::string::npos) << publication.body;
  EXPECT_EQ(publication.body.find("- Status:"), std::string::npos) << publication.body;
  EXPECT_EQ(get(target + "?variant=publication", token).body, publication.body);

  HttpReply working = get(target + "?lang=kk&variant=working", token);
  ASSERT_EQ(working.status, 200) << working.body;
  EXPECT_EQ(working.header("content-disposition"), "attachment; filename=\"demo-seq" + seq + "-report-kk-working.md\"");
  EXPECT_NE(working.body.find("## Алғысөз\n\n*(әлі жазылмаған)*"), std::string::npos) << working.body;
  EXPECT_NE(working.body.find("## Қатысушылар"), std::string::npos);
  HttpReply docx = get("/api/consultations/demo/export/report.docx?variant=Working", token);
  ASSERT_EQ(docx.status, 200) << docx.body;
  EXPECT_EQ(docx.header("content-disposition"),
            "attachment; filename=\"demo-seq" + seq + "-report-en-working.docx\"");

  HttpReply unknown = get(target + "?variant=draft", token);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.body, "unknown variant \"draft\": variant is publication or working\n");
  expect_security_headers(unknown);
  EXPECT_EQ(get(target + "?variant=", token).status, 400);
  HttpReply twice = get(target + "?variant=working&lang=ru&variant=publication", token);
  EXPECT_EQ(twice.status, 400);
  EXPECT_EQ(twice.body, "variant is given more than once\n");
  for (const char* other : {"votes.csv", "minutes/meeting-1.md"}) {
    HttpReply r = get(std::string("/api/consultations/demo/export/") + other + "?variant=working", token);
    EXPECT_EQ(r.status, 400) << other;
    EXPECT_EQ(r.body, std::string("variant is for report.md, report.html and report.docx only, not ") + other + "\n");
  }
  // Refused before the token is looked at, as an unknown language is.
  EXPECT_EQ(get(target + "?variant=draft").status, 400);
}

// What was made at a head is kept per language and variant: a kept English
// report is never the answer to a Kazakh request at the same head, nor a
// publication to a request for the working copy, nor the reverse.
TEST_F(HttpTest, ExportsKeptAtOneHeadAreKeptPerLanguageAndVariant) {
  auto token = bearer(server_->token(kenes::v1::ROLE_MEMBER, "demo-member-1"));
  auto& made = server_->server().context().export_outputs;
  const std::string target = "/api/consultations/demo/export/report.md";
  HttpReply en = get(target, token);
  ASSERT_EQ(en.status, 200) << en.body;
  HttpReply kk = get(target + "?lang=kk", token);
  ASSERT_EQ(kk.status, 200) << kk.body;
  EXPECT_EQ(kk.header("x-kenes-log-head"), en.header("x-kenes-log-head"));
  EXPECT_NE(kk.body, en.body);
  EXPECT_NE(kk.body.find("## Мазмұны"), std::string::npos) << kk.body.substr(0, 400);
  EXPECT_EQ(kk.body.find("## Contents"), std::string::npos);
  const size_t hits = made.hits();
  EXPECT_EQ(get(target + "?lang=en", token).body, en.body);
  EXPECT_EQ(get(target + "?lang=kk", token).body, kk.body);
  EXPECT_EQ(get(target + "?lang=KK", token).body, kk.body);
  EXPECT_EQ(made.hits(), hits + 3) << "each language's export at an unchanged head was made again";
  HttpReply working = get(target + "?lang=kk&variant=working", token);
  ASSERT_EQ(working.status, 200) << working.body;
  EXPECT_NE(working.body, kk.body);
  EXPECT_NE(working.body.find("## Қатысушылар"), std::string::npos) << "the working copy, not the kept publication";
  // (The working copy may have been kept already: the server is the suite's.)
  const size_t hits_after_working = made.hits();
  EXPECT_EQ(get(target + "?lang=kk&variant=publication", token).body, kk.body);
  EXPECT_EQ(get(target + "?variant=working&lang=kk", token).body, working.body);
  EXPECT_EQ(made.hits(), hits_after_working + 2) << "each variant's export at an unchanged head was made again";
}

}  // namespace
}  // namespace kenes::testing
