#pragma once

// Seeded randomness for the engine's law tests, the collaboration
// simulation and the test-vector generator. Not part of the engine proper:
// linked only into tests and tools.
//
// Everything is deterministic for a seed on every platform (the generator and
// the ranges are our own, not <random>'s implementation-defined
// distributions), so a seed printed by a failing test reproduces it anywhere,
// and the generated test vectors are the same on every machine.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text_op.h"

namespace kenes::engine::testing {

// SplitMix64: tiny, fast, good enough for tests.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  // Uniform in [0, n); 0 when n == 0.
  uint64_t below(uint64_t n);
  // Uniform in [lo, hi] (lo <= hi).
  uint64_t between(uint64_t lo, uint64_t hi) { return lo + below(hi - lo + 1); }
  // True with probability num/den.
  bool chance(uint64_t num, uint64_t den) { return below(den) < num; }

 private:
  uint64_t state_;
};

// Which kind of text random strings are made of.
enum class Alphabet {
  kAscii,
  kKazakh,  // Cyrillic with the Kazakh letters: Қазақстан, ғңүұһәі
  kCjk,
  kEmoji,   // including skin tones, ZWJ families, flags and combining marks
  kMixed,   // all of the above, mixed within one string
};
const std::vector<Alphabet>& all_alphabets();
std::string_view alphabet_name(Alphabet a);

// A string of `units` units of the alphabet (a unit is one letter, or one
// emoji sequence which may span several code points).
std::string random_text(Rng& rng, size_t units, Alphabet alphabet);

// A random op that fits a document of `doc_length` code points: a few
// retains, inserts (of the alphabet) and deletes, sometimes a no-op.
TextOp random_op(Rng& rng, uint64_t doc_length, Alphabet alphabet);

// The seeds a randomized test runs: 1..default_count, or only the seed in
// the environment variable KENES_TEST_SEED when it is set (to reproduce a
// failure).
std::vector<uint64_t> test_seeds(uint64_t default_count);

// "seed 17 (rerun alone with KENES_TEST_SEED=17)", for SCOPED_TRACE.
std::string seed_note(uint64_t seed);

}  // namespace kenes::engine::testing
