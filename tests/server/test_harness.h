#pragma once

// Real components for the server tests: a Server on a loopback port with a
// real RocksDB in a temporary folder, and KenesClients on their own I/O
// thread. Nothing is mocked.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kenes_client.h"
#include "server.h"
#include "token.h"

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
  server::Server& server() { return *server_; }
  const std::filesystem::path& data_dir() const { return dir_.path(); }

  // A token signed with this server's key.
  std::string token(kenes::v1::Role role, const std::string& participant_id,
                    const std::string& consultation = "demo", int64_t expires_in_seconds = 3600) const;

  // Runs `fn` on the room's strand and waits for it.
  void inspect(const std::string& consultation,
               std::function<void(const server::ConsultationState&, uint64_t durable_seq)> fn);
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

  std::shared_ptr<client::KenesClient> add(uint16_t port, const std::string& token, const std::string& consultation = "demo",
                                           bool auto_reconnect = true);

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

}  // namespace kenes::testing
