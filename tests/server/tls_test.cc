// Native TLS (--tls-cert/--tls-key): the one port serves https:// and wss://,
// refuses plain text with a readable answer and keeps serving, and a server
// given files it cannot use refuses to start and says why. The certificate is
// made at test time with the OpenSSL API (no files in the repository, no
// dependency on the openssl command).

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/wait.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <thread>

#include "metrics.h"
#include "raw_socket.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using kenes::v1::ServerMessage;

// Writes a self-signed P-256 certificate for CN=`common_name` (valid for a
// day) and its key as PEM files; a fresh key each time, so two calls give two
// certificates a client can tell apart by their CN.
void write_self_signed(const fs::path& cert_path, const fs::path& key_path,
                       const std::string& common_name = "localhost") {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* f = std::fopen(cert_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

// An HTTPS GET on its own connection (no certificate verification: the
// certificate is self-signed). Status 0 when the request failed.
HttpReply https_get(uint16_t port, const std::string& target) {
  HttpReply reply;
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_verify_mode(asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream> stream(io, tls);
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
  beast::get_lowest_layer(stream).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (!ec) stream.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return reply;
  http::request<http::empty_body> req{http::verb::get, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  http::write(stream, req, ec);
  beast::flat_buffer buf;
  http::response<http::string_body> res;
  if (!ec) http::read(stream, buf, res, ec);
  if (ec) return reply;
  reply.status = res.result_int();
  for (const auto& f : res) {
    std::string n(f.name_string());
    for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[n] = std::string(f.value());
  }
  reply.body = res.body();
  return reply;
}

// What a plain-text client gets back from the TLS port: everything the
// server sends before it closes.
std::string plain_exchange(uint16_t port, const std::string& request) {
  asio::io_context io;
  beast::tcp_stream s(io);
  s.expires_after(std::chrono::seconds(5));
  beast::error_code ec;
  s.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return "connect failed: " + ec.message();
  asio::write(s, asio::buffer(request), ec);
  std::string got;
  char buf[1024];
  for (;;) {
    size_t n = s.read_some(asio::buffer(buf), ec);
    got.append(buf, n);
    if (ec) break;
  }
  return got;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    write_self_signed(certs_.path() / "cert.pem", certs_.path() / "key.pem");
    server_ = std::make_unique<TestServer>([this](server::ServerOptions& o) {
      o.tls_cert = (certs_.path() / "cert.pem").string();
      o.tls_key = (certs_.path() / "key.pem").string();
    });
  }
  TempDir certs_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(TlsTest, AnHttpsGetOfHealthzAnswersOkWithTheSecurityHeaders) {
  HttpReply r = https_get(server_->port(), "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok\n");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("strict-transport-security"), "max-age=31536000");
  EXPECT_EQ(server_->server().base_url().rfind("https://", 0), 0u) << server_->server().base_url();
}

TEST_F(TlsTest, AWssClientJoinsSubmitsAndGetsItsAck) {
  TlsRawSocket s(server_->port());
  s.join(server_->token(kenes::v1::ROLE_RESEARCHER, "tls-writer"));
  s.send(submit("indicator/tls", 0, 1, [](kenes::v1::TextOp* op) { op->add_components()->set_insert("secure"); }));
  auto ack = s.next_of(ServerMessage::kAck);
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->ack().version(), 1u);
  EXPECT_EQ(server_->document_text("demo", "indicator/tls"), "secure");
}

TEST_F(TlsTest, APlainTextClientGetsAReadable400AndTheServerKeepsServing) {
  uint64_t refused_before = server::metrics().tls_plaintext_refused_total.load();
  std::string got = plain_exchange(server_->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << got;
  EXPECT_NE(got.find("https://"), std::string::npos) << got;
  EXPECT_EQ(server::metrics().tls_plaintext_refused_total.load(), refused_before + 1);
  // A plain WebSocket client fails its upgrade instead of hanging.
  EXPECT_THROW(RawSocket plain(server_->port()), boost::system::system_error);
  // Garbage that is neither TLS nor HTTP: also closed.
  plain_exchange(server_->port(), std::string("\x00\x01\x02\x03\xff\xfe", 6));
  EXPECT_EQ(https_get(server_->port(), "/healthz").status, 200);
  TlsRawSocket s(server_->port());
  s.join(server_->token(kenes::v1::ROLE_MEMBER, "still-here"));
}

TEST_F(TlsTest, ATlsClientThatStallsMidHandshakeIsDroppedAtTheDeadline) {
  server_.reset();
  server_ = std::make_unique<TestServer>([this](server::ServerOptions& o) {
    o.tls_cert = (certs_.path() / "cert.pem").string();
    o.tls_key = (certs_.path() / "key.pem").string();
    o.handshake_timeout_seconds = 1;
  });
  // The first bytes of a ClientHello (a TLS handshake record header), then
  // nothing: the detector passes it on and the handshake must time out.
  auto started = std::chrono::steady_clock::now();
  plain_exchange(server_->port(), std::string("\x16\x03\x01\x00\xff\x01", 6));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
}

// Reloads racing handshakes on the server's I/O threads: each reload
// releases the context that connections in the middle of their handshake were
// made with. A stress test (a data race here need not show on every run), not
// a proof; TSan would make it one.
TEST_F(TlsTest, ReloadsWhileClientsConnectNeverBreakAConnection) {
  std::atomic<bool> done{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i) {
    clients.emplace_back([&] {
      while (!done) {
        (https_get(server_->port(), "/healthz").status == 200 ? ok : failed).fetch_add(1);
      }
    });
  }
  int reloads = 0;
  std::string err;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline && err.empty()) {
    err = server_->server().reload_tls();
    ++reloads;
  }
  done = true;
  for (auto& t : clients) t.join();
  RecordProperty("reloads", reloads);
  RecordProperty("requests", ok.load());
  EXPECT_EQ(err, "");
  EXPECT_GT(reloads, 10);
  EXPECT_GT(ok.load(), 10);
  EXPECT_EQ(failed.load(), 0) << ok.load() << " requests answered, " << reloads << " reloads";
}

// The real binary, as an operator would start it with a typo in a path.
int exit_status_with(const std::vector<std::string>& extra, const fs::path& log, std::string* out) {
  TempDir dir;
  std::vector<std::string> args = {"--listen", "127.0.0.1:0", "--data-dir", (dir.path() / "data").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  ServerProcess p(KENES_SERVER_BINARY, args, log);
  std::string why;
  EXPECT_FALSE(p.start_and_wait_ready(free_loopback_port(), &why, std::chrono::seconds(10)));
  auto status = p.wait_exit(std::chrono::seconds(10));
  *out = p.log_tail();
  if (!status || !WIFEXITED(*status)) return -1;
  return WEXITSTATUS(*status);
}

TEST_F(TlsTest, AMissingCertificateOrKeyStopsTheStartWithAClearMessage) {
  const std::string cert = (certs_.path() / "cert.pem").string(), key = (certs_.path() / "key.pem").string();
  std::string out;
  EXPECT_NE(exit_status_with({"--tls-cert", "/nonexistent/cert.pem", "--tls-key", key}, certs_.path() / "a.log", &out),
            0);
  EXPECT_NE(out.find("cannot load --tls-cert /nonexistent/cert.pem"), std::string::npos) << out;

  EXPECT_NE(exit_status_with({"--tls-cert", cert, "--tls-key", "/nonexistent/key.pem"}, certs_.path() / "b.log", &out),
            0);
  EXPECT_NE(out.find("cannot load --tls-key /nonexistent/key.pem"), std::string::npos) << out;

  // A key that is not the certificate's.
  write_self_signed(certs_.path() / "other-cert.pem", certs_.path() / "other-key.pem");
  EXPECT_NE(exit_status_with({"--tls-cert", cert, "--tls-key", (certs_.path() / "other-key.pem").string()},
                             certs_.path() / "c.log", &out),
            0);
  EXPECT_NE(out.find("does not belong to --tls-cert"), std::string::npos) << out;

  EXPECT_EQ(exit_status_with({"--tls-cert", cert}, certs_.path() / "d.log", &out), 2);
  EXPECT_NE(out.find("--tls-cert and --tls-key go together"), std::string::npos) << out;
}


// One TLS connection kept open: which certificate the server presented, and
// HTTP/1.1 keep-alive requests over it.
class TlsConnection {
 public:
  explicit TlsConnection(uint16_t port) {
    stream_.set_verify_mode(asio::ssl::verify_none);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    beast::get_lowest_layer(stream_).connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                             ec_);
    if (!ec_) stream_.handshake(asio::ssl::stream_base::client, ec_);
  }
  bool ok() const { return !ec_; }
  std::string error() const { return ec_.message(); }

  // The CN of the certificate the server presented in this connection's
  // handshake.
  std::string peer_common_name() {
    X509* cert = SSL_get1_peer_certificate(stream_.native_handle());
    if (cert == nullptr) return "<no certificate>";
    char buf[256] = {};
    int n = X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    X509_free(cert);
    return n < 0 ? "<no CN>" : std::string(buf, static_cast<size_t>(n));
  }

  // A GET on this same connection; the status, 0 if it failed.
  int get(const std::string& target) {
    if (ec_) return 0;
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(true);
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    http::write(stream_, req, ec_);
    http::response<http::string_body> res;
    if (!ec_) http::read(stream_, buffer_, res, ec_);
    return ec_ ? 0 : res.result_int();
  }

 private:
  asio::io_context io_;
  asio::ssl::context tls_{asio::ssl::context::tls_client};
  beast::ssl_stream<beast::tcp_stream> stream_{io_, tls_};
  beast::flat_buffer buffer_;
  beast::error_code ec_;
};

// Polls `done` every 20 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

size_t count_of(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// SIGHUP on the real binary, as `systemctl reload` or `kill -HUP` sends it.
class TlsReloadTest : public ::testing::Test {
 protected:
  fs::path cert() const { return dir_.path() / "cert.pem"; }
  fs::path key() const { return dir_.path() / "key.pem"; }
  fs::path data() const { return dir_.path() / "data"; }
  fs::path log_path() const { return dir_.path() / "server.log"; }

  void start(bool tls) {
    port_ = free_loopback_port();
    std::vector<std::string> args = {"--listen", "127.0.0.1:" + std::to_string(port_), "--data-dir",
                                     data().string(), "--demo", "--threads", "3"};
    if (tls) {
      args.insert(args.end(), {"--tls-cert", cert().string(), "--tls-key", key().string()});
    }
    process_ = std::make_unique<ServerProcess>(KENES_SERVER_BINARY, args, log_path());
    std::string why;
    const uint16_t port = port_;
    bool ready = tls ? process_->start_and_wait_ready([port] { return https_get(port, "/readyz").status == 200; }, &why)
                     : process_->start_and_wait_ready(port, &why);
    ASSERT_TRUE(ready) << why;
  }

  // Sends SIGHUP and waits until the log has one more `event` line than
  // before: signals sent back to back may merge into one, so a test sends
  // the next only once the previous one was handled.
  void sighup_and_wait_for(const std::string& event) {
    const std::string needle = "\"event\":\"" + event + "\"";
    size_t before = count_of(read_file(log_path()), needle);
    process_->signal(SIGHUP);
    ASSERT_TRUE(eventually([&] { return count_of(read_file(log_path()), needle) > before; }))
        << "no " << event << " line after SIGHUP:\n" << process_->log_tail();
  }

  std::string common_name_of_a_new_connection() {
    TlsConnection c(port_);
    return c.ok() ? c.peer_common_name() : "<connect failed: " + c.error() + ">";
  }

  TempDir dir_;
  uint16_t port_ = 0;
  std::unique_ptr<ServerProcess> process_;
};

TEST_F(TlsReloadTest, SighupServesTheRenewedCertificateToNewConnectionsAndKeepsOpenOnes) {
  write_self_signed(cert(), key(), "cert-a");
  ASSERT_NO_FATAL_FAILURE(start(true));
  TlsConnection before(port_);
  ASSERT_TRUE(before.ok()) << before.error();
  EXPECT_EQ(before.peer_common_name(), "cert-a");
  EXPECT_EQ(before.get("/healthz"), 200);
  TlsRawSocket ws(port_);
  ws.join(token_for_data_dir(data(), kenes::v1::ROLE_RESEARCHER, "before-reload"));

  // Renewal: new files at the same paths, then the reload signal.
  write_self_signed(cert(), key(), "cert-b");
  process_->signal(SIGHUP);
  std::string seen;
  EXPECT_TRUE(eventually([&] { return (seen = common_name_of_a_new_connection()) == "cert-b"; }))
      << "a new connection still sees " << seen << "\n" << process_->log_tail();

  // What was open before the reload carries on with its own session.
  EXPECT_EQ(before.get("/healthz"), 200);
  EXPECT_EQ(before.peer_common_name(), "cert-a");
  ws.send(submit("indicator/reload", 0, 1, [](kenes::v1::TextOp* op) { op->add_components()->set_insert("kept"); }));
  auto ack = ws.next_of(ServerMessage::kAck);
  ASSERT_TRUE(ack) << process_->log_tail();
  EXPECT_EQ(ack->ack().version(), 1u);
  EXPECT_EQ(https_get(port_, "/healthz").status, 200);

  std::string log = read_file(log_path());
  EXPECT_EQ(count_of(log, "\"event\":\"tls_reloaded\""), 1u) << log;
  EXPECT_NE(log.find("CN=cert-b"), std::string::npos) << log;
}

TEST_F(TlsReloadTest, AReloadThatCannotLoadKeepsTheOldCertificateAndSaysWhy) {
  write_self_signed(cert(), key(), "cert-a");
  ASSERT_NO_FATAL_FAILURE(start(true));
  ASSERT_EQ(common_name_of_a_new_connection(), "cert-a");
  const std::string good_key = read_file(key());

  // A key file that is not a key (a half-copied file, say). Its contents
  // must not reach the log.
  {
    std::ofstream out(key(), std::ios::trunc);
    out << "-----BEGIN PRIVATE KEY-----\nTOPSECRETGARBAGE\n-----END PRIVATE KEY-----\n";
  }
  ASSERT_NO_FATAL_FAILURE(sighup_and_wait_for("tls_reload_failed"));
  EXPECT_EQ(common_name_of_a_new_connection(), "cert-a");
  EXPECT_EQ(https_get(port_, "/healthz").status, 200);

  // The renewed certificate with the old key: the pair does not match.
  write_self_signed(dir_.path() / "b-cert.pem", dir_.path() / "b-key.pem", "cert-b");
  {
    std::ofstream out(key(), std::ios::trunc);
    out << good_key;
  }
  fs::copy_file(dir_.path() / "b-cert.pem", cert(), fs::copy_options::overwrite_existing);
  ASSERT_NO_FATAL_FAILURE(sighup_and_wait_for("tls_reload_failed"));
  EXPECT_EQ(common_name_of_a_new_connection(), "cert-a");

  // A certificate file that is gone.
  fs::remove(cert());
  ASSERT_NO_FATAL_FAILURE(sighup_and_wait_for("tls_reload_failed"));
  EXPECT_EQ(common_name_of_a_new_connection(), "cert-a");
  EXPECT_EQ(https_get(port_, "/healthz").status, 200);

  std::string log = read_file(log_path());
  EXPECT_NE(log.find("cannot load --tls-key"), std::string::npos) << log;
  EXPECT_NE(log.find("does not belong to --tls-cert"), std::string::npos) << log;
  EXPECT_NE(log.find("cannot load --tls-cert"), std::string::npos) << log;
  EXPECT_NE(log.find("still serving the previous certificate"), std::string::npos) << log;
  EXPECT_EQ(log.find("TOPSECRETGARBAGE"), std::string::npos) << log;
  EXPECT_EQ(log.find("PRIVATE KEY"), std::string::npos) << log;
  EXPECT_EQ(count_of(log, "\"event\":\"tls_reloaded\""), 0u) << log;

  // Once the files are right, the next SIGHUP takes them.
  fs::copy_file(dir_.path() / "b-cert.pem", cert(), fs::copy_options::overwrite_existing);
  fs::copy_file(dir_.path() / "b-key.pem", key(), fs::copy_options::overwrite_existing);
  ASSERT_NO_FATAL_FAILURE(sighup_and_wait_for("tls_reloaded"));
  EXPECT_EQ(common_name_of_a_new_connection(), "cert-b");
}

TEST_F(TlsReloadTest, SighupWithoutTlsIsHarmless) {
  ASSERT_NO_FATAL_FAILURE(start(false));
  // Twice: the handler waits again after each signal.
  ASSERT_NO_FATAL_FAILURE(sighup_and_wait_for("tls_reload_skipped"));
  ASSERT_NO_FATAL_FAILURE(sighup_and_wait_for("tls_reload_skipped"));
  EXPECT_EQ(http_get(port_, "/healthz").status, 200) << process_->log_tail();
  EXPECT_FALSE(process_->wait_exit(std::chrono::milliseconds(0))) << process_->log_tail();
}

}  // namespace
}  // namespace kenes::testing
