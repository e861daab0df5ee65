// Runs the shared fold vectors (tests/vectors/folds/*.json) against the C++
// folds: the log replayed through ConsultationState as recovery replays it
// must give each viewer exactly the expected view, withhold exactly the
// listed records from them, and send the listed PollUpdates. The TypeScript
// model runs the same files from the viewer's side
// (client-web/tests/model/fold-vectors.test.ts). A deliberate change of a
// fold regenerates them: tests/vectors/README.md, "Fold vectors".

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "consultation/client_state.h"
#include "consultation/testing/fold_view.h"
#include "fold_vector_json.h"

namespace kenes::vectors {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kFoldsDir = fs::path(KENES_VECTORS_DIR) / "folds";

std::vector<fs::path> fold_files() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kFoldsDir)) {
    if (e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The first difference between two JSON values, as a path, for the message.
std::string first_difference(const json::value& a, const json::value& b, const std::string& path = "$") {
  if (a.kind() != b.kind()) return path + ": " + json::serialize(a) + " vs " + json::serialize(b);
  if (a.is_object()) {
    for (const auto& [k, v] : a.as_object()) {
      const json::value* other = b.as_object().if_contains(k);
      if (!other) return path + "." + std::string(k) + ": missing on the other side";
      if (*other != v) return first_difference(v, *other, path + "." + std::string(k));
    }
    for (const auto& [k, v] : b.as_object()) {
      if (!a.as_object().contains(k)) return path + "." + std::string(k) + ": unexpected";
    }
    return {};
  }
  if (a.is_array()) {
    const auto& x = a.as_array();
    const auto& y = b.as_array();
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      if (x[i] != y[i]) return first_difference(x[i], y[i], path + "[" + std::to_string(i) + "]");
    }
    if (x.size() != y.size()) return path + ": " + std::to_string(x.size()) + " vs " + std::to_string(y.size()) + " entries";
    return {};
  }
  return a == b ? std::string() : path + ": " + json::serialize(a) + " vs " + json::serialize(b);
}

TEST(FoldVectorsTest, ThereAreVectors) { EXPECT_GE(fold_files().size(), 3u); }

TEST(FoldVectorsTest, EveryViewerSeesWhatTheVectorsSayAfterAReplayOfTheLog) {
  for (const fs::path& path : fold_files()) {
    SCOPED_TRACE(path.filename().string());
    std::stringstream text;
    text << std::ifstream(path, std::ios::binary).rdbuf();
    const json::object file = json::parse(text.str()).as_object();
    const int64_t now = std::stoll(std::string(file.at("nowUnixMs").as_string()));
    consultation::ConsultationState state(std::string(file.at("consultation").as_string()));
    std::vector<kenes::v1::LogRecord> log;
    for (const auto& r : file.at("log").as_array()) {
      kenes::v1::LogRecord rec;
      ASSERT_TRUE(message_from_json(r, &rec)) << json::serialize(r);
      engine::Status s = state.apply(rec);
      ASSERT_TRUE(s.ok()) << "seq " << rec.seq() << ": " << s.message();
      log.push_back(std::move(rec));
    }
    json::array updates;
    for (const auto& u : consultation::testing::poll_updates(state, now)) updates.push_back(message_to_json(u));
    EXPECT_EQ(json::value(updates), file.at("pollUpdates"))
        << first_difference(updates, file.at("pollUpdates"));
    for (const auto& v : file.at("viewers").as_array()) {
      const std::string viewer(v.at("participant").as_string());
      SCOPED_TRACE(viewer);
      const json::value view = consultation::testing::fold_view(state, viewer, now);
      EXPECT_EQ(view, v.at("expected")) << first_difference(view, v.at("expected"));
      json::array withheld;
      for (uint64_t seq : consultation::testing::withheld_seqs(log, state, viewer, now)) withheld.emplace_back(seq);
      EXPECT_EQ(json::value(withheld), v.at("withheld"));
    }
  }
}

// The join halfway through each file (issue 16) is what the server's fold
// gives at that seq, and a join at the end gives each viewer the expected
// view (the TypeScript model checks the join halfway plus the records after).
TEST(FoldVectorsTest, TheJoinStatesAreTheFoldsAndGiveTheSameView) {
  for (const fs::path& path : fold_files()) {
    SCOPED_TRACE(path.filename().string());
    std::stringstream text;
    text << std::ifstream(path, std::ios::binary).rdbuf();
    const json::object file = json::parse(text.str()).as_object();
    const int64_t now = std::stoll(std::string(file.at("nowUnixMs").as_string()));
    const json::object& join = file.at("join").as_object();
    const uint64_t join_at = join.at("atSeq").to_number<uint64_t>();
    consultation::ConsultationState mid(std::string(file.at("consultation").as_string()));
    consultation::ConsultationState end(std::string(file.at("consultation").as_string()));
    for (const auto& r : file.at("log").as_array()) {
      kenes::v1::LogRecord rec;
      ASSERT_TRUE(message_from_json(r, &rec));
      if (rec.seq() <= join_at) {
        ASSERT_TRUE(mid.apply(rec).ok());
      }
      ASSERT_TRUE(end.apply(rec).ok());
    }
    EXPECT_EQ(message_to_json(consultation::client_state(mid)), join.at("state"));
    json::array docs;
    for (const auto& [doc_id, doc] : mid.documents()) docs.push_back(message_to_json(consultation::document_text(mid, doc_id)));
    EXPECT_EQ(json::value(docs), join.at("documents"));
    std::vector<kenes::v1::DocumentText> opened;
    for (const auto& [doc_id, doc] : end.documents()) opened.push_back(consultation::document_text(end, doc_id));
    for (const auto& v : file.at("viewers").as_array()) {
      const std::string viewer(v.at("participant").as_string());
      SCOPED_TRACE(viewer);
      EXPECT_EQ(message_to_json(consultation::own_state(mid, viewer)), v.at("joinOwn"));
      kenes::v1::JoinState at_end;
      *at_end.mutable_state() = consultation::client_state(end);
      *at_end.mutable_own() = consultation::own_state(end, viewer);
      const json::value view = consultation::testing::fold_view_of_join(at_end, opened, viewer, now);
      EXPECT_EQ(view, v.at("expected")) << first_difference(view, v.at("expected"));
    }
  }
}

}  // namespace
}  // namespace kenes::vectors
