#include "consultation/client_state.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include "consultation/testing/random_consultation.h"
#include "engine/testing/random_edits.h"

namespace kenes::consultation {
namespace {

// The incremental encoder gives the bytes of a fresh client_state() after
// any sequence of records, encoding now and then (as joins come): over seeded
// random consultations, replayed record by record.
TEST(ClientStateEncoderTest, EncodesWhatAFreshClientStateWouldAfterAnyRecords) {
  for (uint64_t seed : engine::testing::test_seeds(10)) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " (KENES_TEST_SEED=" + std::to_string(seed) + " to rerun)");
    testing::RandomConsultationOptions o;
    o.seed = seed;
    o.steps = 250;
    testing::SimulatedRoom room = testing::random_consultation(o);
    ConsultationState state(room.state().consultation_id());
    ClientStateEncoder encoder;
    engine::testing::Rng rng(seed);
    size_t checks = 0;
    for (const auto& rec : room.log()) {
      ASSERT_TRUE(state.apply(rec).ok());
      encoder.touched(rec, state);
      if (!rng.chance(1, 8)) continue;
      kenes::v1::ClientState got;
      ASSERT_TRUE(got.ParseFromString(encoder.encode(state)));
      const kenes::v1::ClientState want = client_state(state);
      std::string diff;
      google::protobuf::util::MessageDifferencer differ;
      differ.ReportDifferencesToString(&diff);
      ASSERT_TRUE(differ.Compare(want, got)) << "after seq " << rec.seq() << ":\n" << diff;
      ++checks;
    }
    EXPECT_GT(checks, 10u);
  }
}

}  // namespace
}  // namespace kenes::consultation
