// Writes the shared fold vectors in tests/vectors/folds/:
//
//   build/release/tests/vectors/kenes-generate-fold-vectors tests/vectors/folds
//
// Each file is one seeded random consultation (consultation/testing/
// random_consultation.h: every request through the server's own handlers)
// and, for a few of its participants, what they receive on joining at the
// end and the view the C++ fold gives them (consultation/testing/
// fold_view.h). Before writing, the generator checks that the live path
// (records folded as the room folds them) and a replay of the log reach the
// same view; output is deterministic (own RNG, fixed clock).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "consultation/client_state.h"
#include "consultation/testing/fold_view.h"
#include "consultation/testing/random_consultation.h"
#include "fold_vector_json.h"

namespace {

namespace json = boost::json;
namespace fs = std::filesystem;
using namespace kenes::consultation;

// The viewers: what the chair, a member and an observer may receive differs
// (ballots, private records); a researcher receives what the chair does.
const char* const kViewers[] = {"chair", "member-1", "observer-1"};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kenes-generate-fold-vectors OUTPUT_FOLDER\n");
    return 2;
  }
  const fs::path out_dir = argv[1];
  fs::create_directories(out_dir);
  for (uint64_t seed = 1; seed <= testing::kFoldVectorSeeds; ++seed) {
    testing::RandomConsultationOptions options;
    options.seed = seed;
    options.steps = testing::kFoldVectorSteps;
    testing::SimulatedRoom room = testing::random_consultation(options);
    room.settle();
    if (!room.error().empty()) {
      std::fprintf(stderr, "seed %llu: a record did not fold: %s\n", static_cast<unsigned long long>(seed),
                   room.error().c_str());
      return 1;
    }
    const int64_t now = room.now();
    // The replay, as recovery folds the log.
    ConsultationState replayed(room.state().consultation_id());
    for (const auto& rec : room.log()) {
      if (kenes::engine::Status s = replayed.apply(rec); !s.ok()) {
        std::fprintf(stderr, "seed %llu: the replay refused a record: %s\n",
                     static_cast<unsigned long long>(seed), s.message().c_str());
        return 1;
      }
    }
    json::object file;
    file["kind"] = "fold";
    file["description"] = "seeded random consultation " + std::to_string(seed) + ": " +
                          std::to_string(options.steps) + " requests through the server's handlers";
    file["seed"] = seed;
    file["consultation"] = room.state().consultation_id();
    file["nowUnixMs"] = std::to_string(now);
    json::array log;
    for (const auto& rec : room.log()) log.push_back(kenes::vectors::message_to_json(rec));
    file["log"] = log;
    // A client that joined by state halfway (issue 16): the state and every
    // draft's text at that seq, from a replay of the log up to it.
    const uint64_t join_at = room.log()[room.log().size() / 2].seq();
    ConsultationState mid(room.state().consultation_id());
    for (const auto& rec : room.log()) {
      if (rec.seq() > join_at) break;
      (void)mid.apply(rec);
    }
    json::array mid_documents;
    for (const auto& [doc_id, doc] : mid.documents()) {
      mid_documents.push_back(kenes::vectors::message_to_json(document_text(mid, doc_id)));
    }
    file["join"] = json::object{{"atSeq", join_at},
                                {"state", kenes::vectors::message_to_json(client_state(mid))},
                                {"documents", mid_documents}};
    json::array updates;
    for (const auto& u : testing::poll_updates(replayed, now)) updates.push_back(kenes::vectors::message_to_json(u));
    file["pollUpdates"] = updates;
    json::array viewers;
    for (const char* viewer : kViewers) {
      json::value live = testing::fold_view(room.state(), viewer, now);
      json::value view = testing::fold_view(replayed, viewer, now);
      if (live != view) {
        std::fprintf(stderr, "seed %llu: the live fold and the replay disagree for %s: not writing vectors\n",
                     static_cast<unsigned long long>(seed), viewer);
        return 1;
      }
      json::array withheld;
      for (uint64_t seq : testing::withheld_seqs(room.log(), replayed, viewer, now)) withheld.emplace_back(seq);
      viewers.push_back(json::object{{"participant", viewer},
                                     {"withheld", withheld},
                                     {"joinOwn", kenes::vectors::message_to_json(own_state(mid, viewer))},
                                     {"expected", view}});
    }
    file["viewers"] = viewers;
    const fs::path path = out_dir / ("consultation-" + std::to_string(seed) + ".json");
    std::ofstream(path, std::ios::binary) << kenes::vectors::pretty_json(file);
    std::printf("%s: %zu records\n", path.c_str(), room.log().size());
  }
  return 0;
}
