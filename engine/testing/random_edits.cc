#include "engine/testing/random_edits.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace kenes::engine::testing {
namespace {

// Units per alphabet. Several code points per unit on purpose in the emoji
// set: positions may split them, and the engine must cope (it counts code
// points, not what a reader sees as one character).
constexpr std::string_view kAsciiUnits[] = {"a", "b", "c", "d", "e", "x", "y", "z", " ", "\n", "A", "Z", "0", "9", "\"", "\\"};
constexpr std::string_view kKazakhUnits[] = {"Қ", "а", "з", "қ", "с", "т", "н", "ғ", "ң", "ү",
                                             "ұ", "һ", "ә", "і", "ө", "П", "р", "и", "в", "е"};
constexpr std::string_view kCjkUnits[] = {"漢", "字", "中", "文", "日", "本", "語", "한", "국", "어", "の", "ア"};
constexpr std::string_view kEmojiUnits[] = {
    "👍",
    "👍🏽",                          // thumbs up + skin tone modifier
    "👨\u200D👩\u200D👧\u200D👦",  // family: four people joined by ZWJ
    "🇰🇿",                          // flag: two regional indicators
    "e\u0301",                      // e + combining acute accent
    "🏳\uFE0F\u200D🌈",            // rainbow flag: variation selector + ZWJ
    "😀",
    "✍\uFE0F",
};

template <size_t N>
std::string_view pick(Rng& rng, const std::string_view (&units)[N]) {
  return units[rng.below(N)];
}

std::string_view random_unit(Rng& rng, Alphabet alphabet) {
  switch (alphabet) {
    case Alphabet::kAscii: return pick(rng, kAsciiUnits);
    case Alphabet::kKazakh: return pick(rng, kKazakhUnits);
    case Alphabet::kCjk: return pick(rng, kCjkUnits);
    case Alphabet::kEmoji: return pick(rng, kEmojiUnits);
    case Alphabet::kMixed: break;
  }
  switch (rng.below(4)) {
    case 0: return pick(rng, kAsciiUnits);
    case 1: return pick(rng, kKazakhUnits);
    case 2: return pick(rng, kCjkUnits);
    default: return pick(rng, kEmojiUnits);
  }
}

}  // namespace

uint64_t Rng::next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t Rng::below(uint64_t n) {
  if (n == 0) return 0;
  // Rejection sampling: no modulo bias, same result everywhere.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  uint64_t x;
  do {
    x = next();
  } while (x >= limit);
  return x % n;
}

const std::vector<Alphabet>& all_alphabets() {
  static const std::vector<Alphabet> kAll = {Alphabet::kAscii, Alphabet::kKazakh, Alphabet::kCjk, Alphabet::kEmoji,
                                             Alphabet::kMixed};
  return kAll;
}

std::string_view alphabet_name(Alphabet a) {
  switch (a) {
    case Alphabet::kAscii: return "ascii";
    case Alphabet::kKazakh: return "kazakh";
    case Alphabet::kCjk: return "cjk";
    case Alphabet::kEmoji: return "emoji";
    case Alphabet::kMixed: return "mixed";
  }
  return "?";
}

std::string random_text(Rng& rng, size_t units, Alphabet alphabet) {
  std::string out;
  for (size_t i = 0; i < units; ++i) out += random_unit(rng, alphabet);
  return out;
}

TextOp random_op(Rng& rng, uint64_t doc_length, Alphabet alphabet) {
  TextOp op;
  uint64_t left = doc_length;  // code points not yet retained or deleted
  const uint64_t steps = rng.between(0, 5);
  for (uint64_t s = 0; s < steps; ++s) {
    switch (rng.below(3)) {
      case 0:
        if (left > 0) {
          const uint64_t n = rng.between(1, left);
          op.retain(n);
          left -= n;
        }
        break;
      case 1:
        op.insert(random_text(rng, rng.between(1, 4), alphabet));
        break;
      default:
        if (left > 0) {
          // Mostly short deletes, now and then a long one.
          const uint64_t cap = rng.chance(1, 5) ? left : std::min<uint64_t>(left, 4);
          const uint64_t n = rng.between(1, cap);
          op.del(n);
          left -= n;
        }
        break;
    }
  }
  return op;
}

std::vector<uint64_t> test_seeds(uint64_t default_count) {
  if (const char* env = std::getenv("KENES_TEST_SEED"); env != nullptr && *env != '\0') {
    return {std::strtoull(env, nullptr, 10)};
  }
  std::vector<uint64_t> seeds;
  for (uint64_t s = 1; s <= default_count; ++s) seeds.push_back(s);
  return seeds;
}

std::string seed_note(uint64_t seed) {
  return "seed " + std::to_string(seed) + " (rerun alone with KENES_TEST_SEED=" + std::to_string(seed) + ")";
}

}  // namespace kenes::engine::testing
