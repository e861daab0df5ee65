// Every editing trace in KENES_TRACES_DIR replayed through the real server:
// one client types the trace as a very fast typist (each patch one local
// edit; the client library keeps one op in flight and composes the rest), a
// second client is subscribed, and both end with the trace's endContent byte
// for byte, as does the server. A missing traces folder is a failure.

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <iostream>
#include <filesystem>

#include "editing_trace.h"
#include "test_harness.h"

namespace kenes::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kTracesDir = KENES_TRACES_DIR;

std::vector<fs::path> trace_paths() { return trace::list_traces(kTracesDir).paths; }

engine::TextOp op_from_patch(const trace::Patch& p) {
  engine::TextOp op;
  op.retain(p.pos).del(p.del).insert(p.ins);
  return op;
}

// Types a trace into a client on the pool's I/O thread: a slice of patches,
// then a turn for the network (acks, sends), then the next slice.
class Typist : public std::enable_shared_from_this<Typist> {
 public:
  Typist(boost::asio::io_context& io, std::shared_ptr<client::KenesClient> client, const trace::EditingTrace& t,
         std::string doc)
      : io_(io), client_(std::move(client)), trace_(t), doc_(std::move(doc)) {}

  void start() {
    if (!trace_.start_content.empty()) type(engine::TextOp().insert(trace_.start_content));
    boost::asio::post(io_, [self = shared_from_this()] { self->type_a_slice(); });
  }
  bool done() const { return txn_ == trace_.txns.size() || !error_.empty(); }
  const std::string& error() const { return error_; }
  uint64_t edits() const { return edits_; }

 private:
  static constexpr int kPatchesPerSlice = 64;

  void type(const engine::TextOp& op) {
    engine::Status s = client_->local_edit(doc_, op);
    if (!s.ok()) error_ = "patch " + std::to_string(edits_) + " does not fit: " + s.message();
    ++edits_;
  }
  void type_a_slice() {
    for (int n = 0; n < kPatchesPerSlice && !done(); ++n) {
      const auto& patches = trace_.txns[txn_].patches;
      if (patch_ < patches.size()) type(op_from_patch(patches[patch_++]));
      if (patch_ >= patches.size()) {
        ++txn_;
        patch_ = 0;
      }
    }
    if (!done()) boost::asio::post(io_, [self = shared_from_this()] { self->type_a_slice(); });
  }

  boost::asio::io_context& io_;
  std::shared_ptr<client::KenesClient> client_;
  const trace::EditingTrace& trace_;
  std::string doc_;
  size_t txn_ = 0, patch_ = 0;
  uint64_t edits_ = 0;
  std::string error_;
};

TEST(ServerTraceFolderTest, HoldsTheEditingTraces) {
  trace::TraceFiles files = trace::list_traces(kTracesDir);
  ASSERT_TRUE(files.error.empty()) << files.error << " (KENES_TRACES_DIR=" << kTracesDir << ")";
  EXPECT_GE(files.paths.size(), 6u);
}

class ServerTraceTest : public ::testing::TestWithParam<fs::path> {};

TEST_P(ServerTraceTest, AFastTypistAndASubscriberBothEndWithTheEndContent) {
  trace::LoadedTrace loaded = trace::load_trace(GetParam());
  ASSERT_TRUE(loaded.ok()) << loaded.error;
  const trace::EditingTrace& t = *loaded.trace;
  // One message per round trip at most, but a quick loopback round trip can
  // beat the default 5000 messages/s.
  TestServer server([](server::ServerOptions& o) { o.rate_limit_messages_per_second = 1e6; });
  ClientPool pool;
  auto writer = pool.add(server.port(), server.token(kenes::v1::ROLE_RESEARCHER, "typist"));
  auto reader = pool.add(server.port(), server.token(kenes::v1::ROLE_MEMBER, "reader"));
  std::vector<std::string> errors;
  pool.run([&] {
    for (auto* c : {writer.get(), reader.get()}) {
      c->on_error = [&](const kenes::v1::Error& e) { errors.push_back(e.message()); };
      c->on_closed = [&](const std::string& why) { errors.push_back("closed: " + why); };
    }
  });
  ASSERT_TRUE(pool.wait_until([&] {
    return writer->state() == client::ConnectionState::kLive && reader->state() == client::ConnectionState::kLive;
  }));

  const std::string doc = "trace/" + t.name;
  auto typist = std::make_shared<Typist>(pool.io(), writer, t, doc);
  const auto started = std::chrono::steady_clock::now();
  pool.run([&] { typist->start(); });
  ASSERT_TRUE(pool.wait_until(
      [&] {
        return (typist->done() && !writer->has_unacknowledged() &&
                reader->document(doc).version() == writer->document(doc).version()) ||
               !errors.empty();
      },
      std::chrono::seconds(60)));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  pool.run([&] {
    ASSERT_TRUE(typist->error().empty()) << typist->error();
    ASSERT_TRUE(errors.empty()) << errors.front();
    EXPECT_EQ(writer->document(doc).text().to_string(), t.end_content);
    EXPECT_EQ(reader->document(doc).text().to_string(), t.end_content);
    std::cout << t.name << ": " << typist->edits() << " edits in " << writer->submits_sent() << " submits, "
              << seconds << " s\n";
  });
  EXPECT_EQ(server.document_text("demo", doc), t.end_content);
}

std::string test_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = trace::trace_name(info.param);
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(EditingTraces, ServerTraceTest, ::testing::ValuesIn(trace_paths()), test_name);

}  // namespace
}  // namespace kenes::testing
