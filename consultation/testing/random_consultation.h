#pragma once

// Seeded random consultations, made the way the server makes them: people
// join, researchers type into drafts (ops made on older versions too, as
// concurrent typists' are), members comment, suggest and vote, the chair
// runs polls and meetings, someone is revoked — every request through the
// handlers of a SimulatedRoom, refused ones included. Deterministic for a
// seed on every machine (engine::testing::Rng), so a generated vector file
// is the same everywhere.

#include <cstdint>

#include "consultation/testing/simulated_room.h"

namespace kenes::consultation::testing {

struct RandomConsultationOptions {
  uint64_t seed = 1;
  // Requests attempted after the set-up (refused ones count too).
  int steps = 300;
  // Indicators whose drafts are typed into (the framework's first ones).
  int drafts = 3;
  int members = 3;
  int researchers = 2;
  int observers = 1;
};

// The consultations behind the shared fold vectors (tests/vectors/folds):
// seeds 1..kFoldVectorSeeds, kFoldVectorSteps requests each.
inline constexpr uint64_t kFoldVectorSeeds = 4;
inline constexpr int kFoldVectorSteps = 250;

// The participants are "chair", "researcher-<n>", "member-<n>" and
// "observer-<n>"; one member is revoked at some point.
SimulatedRoom random_consultation(const RandomConsultationOptions& options);

}  // namespace kenes::consultation::testing
