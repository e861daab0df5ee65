#include "test_harness.h"

#include "logger.h"

#include <cstdlib>
#include <random>

namespace kenes::testing {

namespace fs = std::filesystem;

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/kenes-test-XXXXXX";
  char* made = ::mkdtemp(templ.data());
  if (!made) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

TestServer::TestServer(std::function<void(server::ServerOptions&)> tweak) {
  server::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.data_dir = (dir_.path() / "data").string();
  o.web_root = (dir_.path() / "web").string();
  o.demo = true;
  o.threads = 2;
  if (tweak) tweak(o);
  // KENES_TEST_LOG=1 shows the server's info logs while debugging a test.
  const char* verbose = std::getenv("KENES_TEST_LOG");
  server::set_min_log_level(verbose && *verbose == '1' ? server::LogLevel::kDebug : server::LogLevel::kWarn);
  server_ = std::make_unique<server::Server>(o);
  std::string err = server_->open();
  if (!err.empty()) throw std::runtime_error("server did not open: " + err);
  thread_ = std::thread([this] { server_->run(); });
}

TestServer::~TestServer() { stop(); }

void TestServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  // Closes the log, so the test can open the folder itself.
  server_.reset();
}

std::string TestServer::token(kenes::v1::Role role, const std::string& participant_id,
                              const std::string& consultation, int64_t expires_in_seconds) const {
  server::TokenClaims c;
  c.consultation_id = consultation;
  c.participant_id = participant_id;
  c.display_name = "Test " + participant_id;
  c.role = role;
  c.expires_unix = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count() +
                   expires_in_seconds;
  return server_->context().signer->sign(c);
}

void TestServer::inspect(const std::string& consultation,
                         std::function<void(const server::ConsultationState&, uint64_t)> fn) {
  auto room = server_->context().rooms.find(consultation);
  if (!room) throw std::runtime_error("no room " + consultation);
  std::promise<void> done;
  room->inspect([&](const server::ConsultationState& s, uint64_t seq) {
    fn(s, seq);
    done.set_value();
  });
  done.get_future().wait();
}

std::string TestServer::document_text(const std::string& consultation, const std::string& doc_id) {
  std::string text;
  inspect(consultation, [&](const server::ConsultationState& s, uint64_t) {
    if (const auto* d = s.find_document(doc_id)) text = d->text().to_string();
  });
  return text;
}

ClientPool::ClientPool()
    : work_(std::make_unique<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>(
          io_.get_executor())),
      thread_([this] { io_.run(); }) {}

ClientPool::~ClientPool() {
  run([this] {
    for (auto& c : clients_) c->close();
  });
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
  clients_.clear();
}

std::shared_ptr<client::KenesClient> ClientPool::add(uint16_t port, const std::string& token,
                                                     const std::string& consultation, bool auto_reconnect) {
  client::ClientOptions o;
  o.port = port;
  o.token = token;
  o.consultation_id = consultation;
  o.auto_reconnect = auto_reconnect;
  auto c = std::make_shared<client::KenesClient>(io_, o);
  run([&] {
    clients_.push_back(c);
    c->connect();
  });
  return c;
}

void ClientPool::run(const std::function<void()>& fn) {
  std::promise<void> done;
  boost::asio::post(io_, [&] {
    fn();
    done.set_value();
  });
  done.get_future().wait();
}

bool ClientPool::wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    bool ok = false;
    run([&] { ok = done(); });
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

uint64_t test_seed() {
  if (const char* s = std::getenv("KENES_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

}  // namespace kenes::testing
