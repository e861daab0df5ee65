#pragma once

// Real components for the server tests: a Server on a loopback port with a
// real RocksDB in a temporary folder, and KenesClients on their own I/O
// thread. Nothing is mocked.

#include <gtest/gtest.h>
#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "kenes_client.h"
#include "server.h"
#include "auth/token.h"

namespace kenes::testing {

// A fresh folder under $TMPDIR, removed when the object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// An in-process server with the demo consultation ("demo").
class TestServer {
 public:
  explicit TestServer(std::function<void(server::ServerOptions&)> tweak = {});
  ~TestServer();

  // Graceful stop, then the log is closed and server() is gone. Idempotent.
  void stop();
  uint16_t port() const { return server_->port(); }
  // The --metrics-listen port (o.metrics_listen = "127.0.0.1:0"); 0 without.
  uint16_t metrics_port() const { return server_->metrics_port(); }
  server::Server& server() { return *server_; }
  const std::filesystem::path& data_dir() const { return dir_.path(); }

  // A token signed with this server's key.
  std::string token(kenes::v1::Role role, const std::string& participant_id,
                    const std::string& consultation = "demo", int64_t expires_in_seconds = 3600) const;

  // Runs `fn` on the room's strand and waits for it.
  void inspect(const std::string& consultation,
               std::function<void(const consultation::ConsultationState&, uint64_t durable_seq)> fn);
  std::string document_text(const std::string& consultation, const std::string& doc_id);

 private:
  TempDir dir_;
  std::unique_ptr<server::Server> server_;
  std::thread thread_;
  bool stopped_ = false;
};

// KenesClients on one I/O thread. Every call into a client goes through run()
// so that the test thread never touches client state concurrently.
class ClientPool {
 public:
  ClientPool();
  ~ClientPool();

  // `before_connect` runs on the I/O thread before the client connects: set
  // callbacks there, or the first Welcome / error / on_live may come before
  // them.
  std::shared_ptr<client::KenesClient> add(uint16_t port, const std::string& token, const std::string& consultation = "demo",
                                           bool auto_reconnect = true,
                                           const std::function<void(client::KenesClient&)>& before_connect = {});

  // Runs fn on the I/O thread and waits for it to finish.
  void run(const std::function<void()>& fn);

  // Polls `done` on the I/O thread until it holds or the timeout passes.
  bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(20));

  boost::asio::io_context& io() { return io_; }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::shared_ptr<client::KenesClient>> clients_;
  std::thread thread_;
};

// A seed from KENES_TEST_SEED, or a fresh one; print it on failure.
uint64_t test_seed();

// A loopback port that was free a moment ago (bound to port 0, then closed),
// for a server that must come back on the same port after a restart.
uint16_t free_loopback_port();

// A token signed with the key in <data_dir>/secret.key, as an operator's
// tool would sign it. Throws if there is no key.
std::string token_for_data_dir(const std::filesystem::path& data_dir, kenes::v1::Role role,
                               const std::string& participant_id, const std::string& consultation = "demo",
                               int64_t expires_in_seconds = 3600);

// The real kenes-server binary as a child process. Its stdout and stderr go
// to `log_path` (appended to, so one file tells the story of every restart).
// The destructor kills it if it still runs.
class ServerProcess {
 public:
  ServerProcess(std::string binary, std::vector<std::string> args, std::filesystem::path log_path);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the process; then waits until GET /readyz on `port` answers 200.
  // False (with the reason in *why) if it exited or did not get ready in time.
  bool start_and_wait_ready(uint16_t port, std::string* why,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // The same with another readiness probe (a TLS server answers plain HTTP
  // with a 400).
  bool start_and_wait_ready(const std::function<bool()>& ready, std::string* why,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void kill9();                  // SIGKILL, then reaps it
  void signal(int signo);        // e.g. SIGTERM; does not wait
  // Waits for the process to exit. The waitpid status (also when it already
  // exited during start_and_wait_ready), or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running() const { return pid_ > 0; }
  // The last `max_bytes` of the log file, for failure messages.
  std::string log_tail(size_t max_bytes = 4000) const;

 private:
  std::string binary_;
  std::vector<std::string> args_;
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

// One HTTP/1.1 request to 127.0.0.1:port on its own connection, with a
// 5-second deadline: the status (0 if the request failed), the headers
// (names lower-cased) and the body. `method` is "GET", "HEAD", "POST", ...
// The target is sent as given, unnormalised (traversal tests need that).
struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string header(const std::string& lower_case_name) const {
    auto it = headers.find(lower_case_name);
    return it == headers.end() ? std::string() : it->second;
  }
};
HttpReply http_request(uint16_t port, const std::string& method, const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& headers = {});
inline HttpReply http_get(uint16_t port, const std::string& target) { return http_request(port, "GET", target); }

}  // namespace kenes::testing
