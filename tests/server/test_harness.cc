#include "test_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <fstream>
#include <random>

#include "logger.h"
#include "auth/secret_key.h"

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
                         std::function<void(const consultation::ConsultationState&, uint64_t)> fn) {
  auto room = server_->context().rooms.find(consultation);
  if (!room) throw std::runtime_error("no room " + consultation);
  std::promise<void> done;
  room->inspect([&](const consultation::ConsultationState& s, uint64_t seq) {
    fn(s, seq);
    done.set_value();
  });
  done.get_future().wait();
}

std::string TestServer::document_text(const std::string& consultation, const std::string& doc_id) {
  std::string text;
  inspect(consultation, [&](const consultation::ConsultationState& s, uint64_t) {
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
                                                     const std::string& consultation, bool auto_reconnect,
                                                     const std::function<void(client::KenesClient&)>& before_connect) {
  client::ClientOptions o;
  o.port = port;
  o.token = token;
  o.consultation_id = consultation;
  o.auto_reconnect = auto_reconnect;
  auto c = std::make_shared<client::KenesClient>(io_, o);
  run([&] {
    clients_.push_back(c);
    if (before_connect) before_connect(*c);
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

uint16_t free_loopback_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

std::string token_for_data_dir(const fs::path& data_dir, kenes::v1::Role role, const std::string& participant_id,
                               const std::string& consultation, int64_t expires_in_seconds) {
  fs::path key_path = data_dir / "secret.key";
  if (!fs::exists(key_path)) throw std::runtime_error("no secret key at " + key_path.string());
  auto key = server::load_or_create_secret_key(key_path.string());
  if (!key.error.empty()) throw std::runtime_error(key.error);
  server::TokenClaims c;
  c.consultation_id = consultation;
  c.participant_id = participant_id;
  c.display_name = "Test " + participant_id;
  c.role = role;
  c.expires_unix =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() +
      expires_in_seconds;
  return server::TokenSigner(key.key).sign(c);
}

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> args, fs::path log_path)
    : binary_(std::move(binary)), args_(std::move(args)), log_path_(std::move(log_path)) {}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) kill9();
}

bool ServerProcess::start_and_wait_ready(uint16_t port, std::string* why, std::chrono::milliseconds timeout) {
  return start_and_wait_ready([port] { return http_get(port, "/readyz").status == 200; }, why, timeout);
}

bool ServerProcess::start_and_wait_ready(const std::function<bool()>& ready, std::string* why,
                                         std::chrono::milliseconds timeout) {
  if (pid_ > 0) {
    *why = "already running";
    return false;
  }
  // Everything the child needs is built before fork: between fork and exec
  // only async-signal-safe calls (this process has other threads).
  std::vector<std::string> argv_strings = {binary_};
  argv_strings.insert(argv_strings.end(), args_.begin(), args_.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log_path = log_path_.string();
  pid_t pid = ::fork();
  if (pid < 0) {
    *why = "fork failed";
    return false;
  }
  if (pid == 0) {
    int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_status_ = status;
      *why = "kenes-server exited during start-up (status " + std::to_string(status) + "):\n" + log_tail();
      return false;
    }
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  *why = "kenes-server was not ready in time:\n" + log_tail();
  return false;
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void ServerProcess::signal(int signo) {
  if (pid_ > 0) ::kill(pid_, signo);
}

std::optional<int> ServerProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return exit_status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_status_ = status;
      return status;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string ServerProcess::log_tail(size_t max_bytes) const {
  std::ifstream in(log_path_, std::ios::binary);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return all.size() <= max_bytes ? all : all.substr(all.size() - max_bytes);
}

HttpReply http_request(uint16_t port, const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  HttpReply reply;
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (req.method() == http::verb::post) req.body() = "x=1";
  req.prepare_payload();
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(req.method() == http::verb::head);  // a HEAD response has no body, whatever Content-Length says
  bool done = false;
  // Asynchronous only for the deadline: tcp_stream's timeout covers async operations.
  stream.expires_after(std::chrono::seconds(5));
  stream.async_connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), [&](beast::error_code ec) {
        if (ec) return;
        http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
          if (ec) return;
          http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { done = !ec; });
        });
      });
  io.run();
  if (!done) return reply;
  auto res = parser.release();
  reply.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = std::move(res.body());
  return reply;
}

}  // namespace kenes::testing
