// The algebra of text ops, checked on seeded random documents and ops in
// every test alphabet (ASCII, Kazakh Cyrillic, CJK, emoji with ZWJ sequences
// and combining marks, and all of them mixed). engine/README.md states the
// laws. Each failure names its seed; KENES_TEST_SEED=<seed> reruns just it.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/testing/random_edits.h"
#include "engine/text_op.h"
#include "engine/transform.h"
#include "engine/utf8.h"
#include "engine/testing/printers.h"

namespace kenes::engine {
namespace {

using testing::Alphabet;
using testing::Rng;

constexpr uint64_t kSeeds = 2000;

std::string applied(std::string text, const TextOp& op) {
  Status s = apply_to_string(op, text);
  EXPECT_TRUE(s.ok()) << s.to_string() << "\n  op:  " << op.debug_string() << "\n  doc: " << text;
  return text;
}

// Runs `body(rng, alphabet)` once per seed and alphabet, with the seed and
// alphabet in every failure message.
template <class Body>
void for_each_seed(Body body) {
  for (uint64_t seed : testing::test_seeds(kSeeds)) {
    for (Alphabet alphabet : testing::all_alphabets()) {
      SCOPED_TRACE(testing::seed_note(seed) + ", alphabet " + std::string(testing::alphabet_name(alphabet)));
      Rng rng(seed * 31 + static_cast<uint64_t>(alphabet));
      body(rng, alphabet);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

std::string random_doc(Rng& rng, Alphabet alphabet) { return testing::random_text(rng, rng.below(24), alphabet); }

TEST(LawsTest, TransformConvergesForConcurrentOps) {
  for_each_seed([](Rng& rng, Alphabet alphabet) {
    const std::string doc = random_doc(rng, alphabet);
    const uint64_t length = count_code_points(doc);
    const TextOp a = testing::random_op(rng, length, alphabet);
    const TextOp b = testing::random_op(rng, length, alphabet);
    SCOPED_TRACE("doc " + doc + "\n  a " + a.debug_string() + "\n  b " + b.debug_string());
    // TP1: apply(apply(d, a), transform(b, a, R)) == apply(apply(d, b), transform(a, b, L))
    const TextOp b_after_a = transform(b, a, Side::kRight);
    const TextOp a_after_b = transform(a, b, Side::kLeft);
    ASSERT_EQ(applied(applied(doc, a), b_after_a), applied(applied(doc, b), a_after_b));
    const TransformedPair p = transform_pair(a, b);
    EXPECT_EQ(p.first_after_second, a_after_b);
    EXPECT_EQ(p.second_after_first, b_after_a);
  });
}

TEST(LawsTest, ComposeAgreesWithApplyingOneAfterTheOther) {
  for_each_seed([](Rng& rng, Alphabet alphabet) {
    const std::string doc = random_doc(rng, alphabet);
    const TextOp a = testing::random_op(rng, count_code_points(doc), alphabet);
    const std::string mid = applied(doc, a);
    const TextOp b = testing::random_op(rng, count_code_points(mid), alphabet);
    SCOPED_TRACE("doc " + doc + "\n  a " + a.debug_string() + "\n  b " + b.debug_string());
    const TextOp ab = compose(a, b);
    ASSERT_EQ(applied(doc, ab), applied(mid, b));
    EXPECT_EQ(ab.consumed_length() <= count_code_points(doc), true);
  });
}

TEST(LawsTest, ComposeIsAssociative) {
  for_each_seed([](Rng& rng, Alphabet alphabet) {
    const std::string d0 = random_doc(rng, alphabet);
    const TextOp a = testing::random_op(rng, count_code_points(d0), alphabet);
    const std::string d1 = applied(d0, a);
    const TextOp b = testing::random_op(rng, count_code_points(d1), alphabet);
    const std::string d2 = applied(d1, b);
    const TextOp c = testing::random_op(rng, count_code_points(d2), alphabet);
    SCOPED_TRACE("a " + a.debug_string() + "\n  b " + b.debug_string() + "\n  c " + c.debug_string());
    // Normalized ops with equal effect are equal, so this is op equality.
    ASSERT_EQ(compose(compose(a, b), c), compose(a, compose(b, c)));
  });
}

TEST(LawsTest, InvertUndoesAndInvertingTwiceGivesTheOpBack) {
  for_each_seed([](Rng& rng, Alphabet alphabet) {
    const std::string doc = random_doc(rng, alphabet);
    const Rope before(doc);
    const TextOp op = testing::random_op(rng, before.length(), alphabet);
    SCOPED_TRACE("doc " + doc + "\n  op " + op.debug_string());
    Result<TextOp> inverse = invert(op, before);
    ASSERT_TRUE(inverse.ok()) << inverse.status().to_string();
    Rope text = before;
    ASSERT_TRUE(apply(op, text).ok());
    const Rope after = text;
    ASSERT_TRUE(apply(*inverse, text).ok());
    ASSERT_EQ(text.to_string(), doc);
    Result<TextOp> twice = invert(*inverse, after);
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(*twice, op);
    EXPECT_TRUE(compose(op, *inverse).is_noop() || applied(doc, compose(op, *inverse)) == doc);
  });
}

// A client's pending op is a composition of several edits, and it is
// transformed as one op. TP1 must hold for such ops too (they are the ones
// where an insert and a delete meet at one position most often).
//
// Note what is NOT a law here: transforming past compose(a1, a2) need not
// equal transforming past a1 and then a2. A composed op no longer says where
// inside the text it deletes an insert of a1 was made, so a concurrent insert
// inside that text may land on the other side of it. The protocol never
// relies on it: the client and the server transform against the very same
// (composed) ops. engine/README.md explains.
TEST(LawsTest, TransformConvergesAgainstComposedOps) {
  for_each_seed([](Rng& rng, Alphabet alphabet) {
    const std::string doc = random_doc(rng, alphabet);
    const TextOp a1 = testing::random_op(rng, count_code_points(doc), alphabet);
    const std::string mid = applied(doc, a1);
    const TextOp a2 = testing::random_op(rng, count_code_points(mid), alphabet);
    const TextOp a = compose(a1, a2);
    const TextOp b = testing::random_op(rng, count_code_points(doc), alphabet);
    SCOPED_TRACE("doc " + doc + "\n  a " + a.debug_string() + "\n  b " + b.debug_string());
    ASSERT_EQ(applied(applied(doc, a), transform(b, a, Side::kRight)),
              applied(applied(doc, b), transform(a, b, Side::kLeft)));
    ASSERT_EQ(applied(applied(doc, b), transform(a, b, Side::kRight)),
              applied(applied(doc, a), transform(b, a, Side::kLeft)));
  });
}

// Positions agree with op transform: a caret at p moves where an insert at p
// would go (kBefore with Side::kLeft, kAfter with Side::kRight), and a code
// point that survives the op is found at its transformed position.
TEST(LawsTest, PositionTransformAgreesWithOpTransformAndWithTheText) {
  for_each_seed([](Rng& rng, Alphabet alphabet) {
    const std::string doc = random_doc(rng, alphabet);
    const std::u32string before = decode_utf8(doc);
    const TextOp op = testing::random_op(rng, before.size(), alphabet);
    const std::u32string after = decode_utf8(applied(doc, op));
    SCOPED_TRACE("doc " + doc + "\n  op " + op.debug_string());

    // Which code points of the old text the op deletes.
    std::vector<bool> deleted(before.size(), false);
    uint64_t at = 0;
    for (const Component& c : op.components()) {
      if (auto* r = std::get_if<Retain>(&c)) at += r->n;
      if (auto* d = std::get_if<Delete>(&c)) {
        for (uint64_t k = 0; k < d->n; ++k) deleted[at + k] = true;
        at += d->n;
      }
    }

    uint64_t last_before = 0;
    for (uint64_t p = 0; p <= before.size(); ++p) {
      const uint64_t pb = transform_position(p, op, Stickiness::kBefore);
      const uint64_t pa = transform_position(p, op, Stickiness::kAfter);
      ASSERT_LE(pb, pa) << "p " << p;
      ASSERT_LE(last_before, pb) << "not monotonic at p " << p;
      ASSERT_LE(pa, after.size());
      last_before = pb;
      const TextOp marker = TextOp().retain(p).insert("@");
      const TextOp left = transform(marker, op, Side::kLeft);
      const TextOp right = transform(marker, op, Side::kRight);
      ASSERT_EQ(pb, left.consumed_length()) << "p " << p;
      ASSERT_EQ(pa, right.consumed_length()) << "p " << p;
      if (p < before.size() && !deleted[p]) {
        ASSERT_EQ(after[pa], before[p]) << "surviving code point " << p << " moved to " << pa;
      }
    }
  });
}

// Transformed ops fit the document they are meant for, and stay normalized
// (equal to themselves rebuilt from their own components).
TEST(LawsTest, TransformedOpsFitAndAreNormalized) {
  for_each_seed([](Rng& rng, Alphabet alphabet) {
    const std::string doc = random_doc(rng, alphabet);
    const uint64_t length = count_code_points(doc);
    const TextOp a = testing::random_op(rng, length, alphabet);
    const TextOp b = testing::random_op(rng, length, alphabet);
    const TextOp b_after_a = transform(b, a, Side::kRight);
    ASSERT_TRUE(validate(b_after_a, a.output_length(length)).ok());
    Result<TextOp> rebuilt = TextOp::from_components(b_after_a.components());
    ASSERT_TRUE(rebuilt.ok());
    ASSERT_EQ(*rebuilt, b_after_a);
    ASSERT_EQ(rebuilt->components().size(), b_after_a.components().size());
  });
}

}  // namespace
}  // namespace kenes::engine
