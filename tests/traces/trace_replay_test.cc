// Replays every editing trace in KENES_TRACES_DIR through the engine and
// checks the final text against the trace's endContent, byte for byte:
//  - through the server path: each patch becomes a TextOp built from
//    untrusted components (TextOp::from_components), sequenced by a
//    DocumentSequencer (validate, apply to the rope);
//  - through a fast typist: a ClientDocument that keeps typing while its op
//    is in flight (later edits composed into pending), a DocumentSequencer,
//    and a second ClientDocument receiving the broadcasts.
// A missing traces folder is a failure, not a skip.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "editing_trace.h"
#include "engine/client_document.h"
#include "engine/document_sequencer.h"
#include "engine/testing/printers.h"

namespace kenes {
namespace {

using engine::ClientDocument;
using engine::DocumentSequencer;
using engine::Result;
using engine::TextOp;

const std::filesystem::path kTracesDir = KENES_TRACES_DIR;

std::vector<std::filesystem::path> trace_paths() { return trace::list_traces(kTracesDir).paths; }

// A patch [pos, del, ins] as the components a client would send.
Result<TextOp> op_from_patch(const trace::Patch& p) {
  std::vector<engine::Component> components;
  if (p.pos > 0) components.emplace_back(engine::Retain{p.pos});
  if (p.del > 0) components.emplace_back(engine::Delete{p.del});
  if (!p.ins.empty()) components.emplace_back(engine::Insert{p.ins, 0});
  return TextOp::from_components(std::move(components));
}

// Loads each trace once for all the tests that use it.
const trace::EditingTrace& load(const std::filesystem::path& path) {
  static std::vector<std::pair<std::filesystem::path, trace::EditingTrace>> cache;
  for (const auto& [p, t] : cache) {
    if (p == path) return t;
  }
  trace::LoadedTrace loaded = trace::load_trace(path);
  if (!loaded.ok()) {
    ADD_FAILURE() << loaded.error;
    static const trace::EditingTrace kEmpty;
    return kEmpty;
  }
  cache.emplace_back(path, std::move(*loaded.trace));
  return cache.back().second;
}

TEST(TraceFolderTest, HoldsTheEditingTraces) {
  trace::TraceFiles files = trace::list_traces(kTracesDir);
  ASSERT_TRUE(files.error.empty()) << files.error;
  EXPECT_GE(files.paths.size(), 6u) << "expected the six shared editing traces in " << kTracesDir;
}

class TraceReplayTest : public ::testing::TestWithParam<std::filesystem::path> {};

TEST_P(TraceReplayTest, ThroughTheSequencerReproducesTheEndContent) {
  const trace::EditingTrace& t = load(GetParam());
  ASSERT_FALSE(t.txns.empty());
  DocumentSequencer server{engine::Rope(t.start_content)};
  uint64_t client_seq = 0;
  size_t patch_index = 0;
  for (const trace::Txn& txn : t.txns) {
    for (const trace::Patch& p : txn.patches) {
      Result<TextOp> op = op_from_patch(p);
      ASSERT_TRUE(op.ok()) << "patch " << patch_index << ": " << op.status().to_string();
      Result<DocumentSequencer::Sequenced> r = server.submit("trace", ++client_seq, server.version(), *op);
      ASSERT_TRUE(r.ok()) << "patch " << patch_index << ": " << r.status().to_string();
      ++patch_index;
    }
  }
  EXPECT_EQ(server.version(), t.patch_count());
  EXPECT_TRUE(server.text() == t.end_content) << "the final text differs from endContent";
  EXPECT_EQ(server.text().to_string(), t.end_content);
  EXPECT_TRUE(server.text().check_invariants().ok()) << server.text().check_invariants().to_string();
}

TEST_P(TraceReplayTest, ThroughAFastTypistAndASubscriberReproducesTheEndContent) {
  const trace::EditingTrace& t = load(GetParam());
  ASSERT_FALSE(t.txns.empty());
  ClientDocument typist(t.start_content);
  ClientDocument subscriber(t.start_content);
  DocumentSequencer server{engine::Rope(t.start_content)};
  uint64_t client_seq = 0;
  // The round trip takes a few keystrokes (0..15, varying): the typist's
  // later edits pile up in pending, composed.
  std::optional<ClientDocument::OutgoingOp> on_the_wire;
  uint64_t keystrokes_left = 0;
  uint64_t max_pending = 0;
  uint64_t latency_state = 12345;

  auto deliver = [&]() {
    Result<DocumentSequencer::Sequenced> r =
        server.submit("typist", on_the_wire->client_seq, on_the_wire->base_version, on_the_wire->op);
    ASSERT_TRUE(r.ok()) << r.status().to_string();
    ASSERT_TRUE(subscriber.on_remote_op(r->op, r->version).ok());
    ASSERT_TRUE(typist.on_ack(on_the_wire->client_seq, r->version).ok());
    on_the_wire.reset();
  };
  auto send_if_idle = [&]() {
    if (on_the_wire || !typist.has_outgoing()) return;
    Result<ClientDocument::OutgoingOp> out = typist.take_outgoing(++client_seq);
    ASSERT_TRUE(out.ok()) << out.status().to_string();
    on_the_wire = std::move(*out);
    latency_state = latency_state * 6364136223846793005ull + 1442695040888963407ull;
    keystrokes_left = (latency_state >> 33) % 16;
  };

  for (const trace::Txn& txn : t.txns) {
    for (const trace::Patch& p : txn.patches) {
      Result<TextOp> op = op_from_patch(p);
      ASSERT_TRUE(op.ok()) << op.status().to_string();
      ASSERT_TRUE(typist.local_edit(*op).ok());
      max_pending = std::max(max_pending, typist.pending_count());
      if (on_the_wire && keystrokes_left-- == 0) {
        deliver();
        ASSERT_FALSE(::testing::Test::HasFatalFailure());
      }
      send_if_idle();
      ASSERT_FALSE(::testing::Test::HasFatalFailure());
    }
  }
  while (on_the_wire || typist.has_outgoing()) {
    if (on_the_wire) deliver();
    send_if_idle();
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
  }
  EXPECT_GT(max_pending, 1u) << "the typist never had several edits pending";
  EXPECT_EQ(typist.text().to_string(), t.end_content);
  EXPECT_EQ(server.text().to_string(), t.end_content);
  EXPECT_EQ(subscriber.text().to_string(), t.end_content);
  EXPECT_EQ(subscriber.version(), server.version());
}

std::string test_name(const ::testing::TestParamInfo<std::filesystem::path>& info) {
  std::string name = trace::trace_name(info.param);
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(EditingTraces, TraceReplayTest, ::testing::ValuesIn(trace_paths()), test_name);
// With no traces there is nothing to instantiate; TraceFolderTest fails then
// with the reason.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TraceReplayTest);

}  // namespace
}  // namespace kenes
