// Text ops from untrusted components, checked against the laws of
// engine/README.md. The input is read as: a document, then three ops (a, b, c)
// each as a list of components. Invalid components must give an error value
// (kMalformed, kInvalidUtf8, kDoesNotFit) and never a crash; ops that fit the
// document must satisfy, where they apply:
//   normal form       from_components(op.components()) == op, and the form's rules
//   apply             Rope and std::string agree; output_length is right
//   invert            apply(invert(a, d), a·d) == d, invert(invert(a, d), a·d) == a
//   TP1               d·a·transform(b, a, Right) == d·b·transform(a, b, Left)
//   compose           apply(compose(a, c), d) == apply(c, apply(a, d))
//   positions         transform_position keeps order
// A broken law aborts, so libFuzzer keeps the input.

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/rope.h"
#include "engine/text_op.h"
#include "engine/transform.h"
#include "engine/utf8.h"

using namespace kenes::engine;

namespace {

[[noreturn]] void broken(const char* law, const std::string& detail) {
  std::fprintf(stderr, "law broken: %s: %s\n", law, detail.c_str());
  std::abort();
}

// A length: mostly small, sometimes at or around the limits (0, kMaxLength,
// beyond it, 2^64 - 1) so that the refusals and the overflow guards are hit.
uint64_t consume_length(FuzzedDataProvider& in) {
  uint8_t tag = in.ConsumeIntegral<uint8_t>();
  switch (tag >> 5) {
    case 0: return 0;
    case 1: return kMaxLength - (tag & 3);
    case 2: return kMaxLength + (tag & 3);
    case 3: return UINT64_MAX - (tag & 3);
    default: return (tag & 31) + 1;
  }
}

std::vector<Component> consume_components(FuzzedDataProvider& in) {
  std::vector<Component> out;
  size_t count = in.ConsumeIntegralInRange<size_t>(0, 12);
  for (size_t i = 0; i < count && in.remaining_bytes() > 0; ++i) {
    switch (in.ConsumeIntegralInRange<int>(0, 2)) {
      case 0: out.push_back(Retain{consume_length(in)}); break;
      case 1: out.push_back(Insert{in.ConsumeRandomLengthString(16), in.ConsumeIntegral<uint64_t>()}); break;
      default: out.push_back(Delete{consume_length(in)}); break;
    }
  }
  return out;
}

void check_normal_form(const TextOp& op) {
  const auto& cs = op.components();
  for (size_t i = 0; i < cs.size(); ++i) {
    if (auto* r = std::get_if<Retain>(&cs[i]); r && r->n == 0) broken("normal form", "retain 0 " + op.debug_string());
    if (auto* d = std::get_if<Delete>(&cs[i]); d && d->n == 0) broken("normal form", "delete 0 " + op.debug_string());
    if (auto* s = std::get_if<Insert>(&cs[i])) {
      if (s->text.empty()) broken("normal form", "empty insert " + op.debug_string());
      if (!is_valid_utf8(s->text) || count_code_points(s->text) != s->length) {
        broken("normal form", "insert length " + op.debug_string());
      }
    }
    if (i > 0 && cs[i].index() == cs[i - 1].index()) broken("normal form", "adjacent of one kind " + op.debug_string());
    if (i > 0 && std::holds_alternative<Delete>(cs[i - 1]) && std::holds_alternative<Insert>(cs[i])) {
      broken("normal form", "delete before insert " + op.debug_string());
    }
  }
  if (!cs.empty() && std::holds_alternative<Retain>(cs.back())) broken("normal form", "trailing retain " + op.debug_string());
  auto again = TextOp::from_components(cs);
  if (!again.ok() || !(*again == op)) broken("normal form", "from_components not idempotent " + op.debug_string());
}

// An op from the input, or nullopt (after checking the refusal is a value).
std::optional<TextOp> consume_op(FuzzedDataProvider& in) {
  auto result = TextOp::from_components(consume_components(in));
  if (!result.ok()) {
    ErrorCode code = result.status().code();
    if (code != ErrorCode::kMalformed && code != ErrorCode::kInvalidUtf8 && code != ErrorCode::kDoesNotFit) {
      broken("refusal", result.status().to_string());
    }
    if (result.status().message().empty()) broken("refusal", "no message");
    return std::nullopt;
  }
  check_normal_form(*result);
  return std::move(result).value();
}

std::string applied(const TextOp& op, const std::string& doc, const char* law) {
  std::string s = doc;
  Status st = apply_to_string(op, s);
  if (!st.ok()) broken(law, "apply failed: " + st.to_string() + " op " + op.debug_string());
  Rope r(doc);
  st = apply(op, r);
  if (!st.ok() || !(r == std::string_view(s))) broken(law, "Rope and string disagree on " + op.debug_string());
  if (r.length() != op.output_length(count_code_points(doc))) broken(law, "output_length " + op.debug_string());
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  std::string doc = in.ConsumeRandomLengthString(64);
  if (!is_valid_utf8(doc)) doc.clear();
  const uint64_t len = count_code_points(doc);
  auto a = consume_op(in);
  auto b = consume_op(in);
  auto c = consume_op(in);
  const uint64_t pos = in.ConsumeIntegral<uint64_t>() % (len + 3);

  // Compose is total: any two valid ops compose.
  if (a && b) (void)compose(*a, *b);

  const bool a_fits = a && validate(*a, len).ok();
  const bool b_fits = b && validate(*b, len).ok();
  for (auto* op : {&a, &b}) {
    if (!*op || validate(**op, len).ok()) continue;
    // An op that does not fit is refused by every door, and changes nothing.
    std::string s = doc;
    Rope r(doc);
    if (apply_to_string(**op, s).code() != ErrorCode::kDoesNotFit || s != doc) broken("fit", "apply_to_string");
    if (apply(**op, r).code() != ErrorCode::kDoesNotFit || !(r == std::string_view(doc))) broken("fit", "apply");
    if (invert(**op, r).ok()) broken("fit", "invert");
  }
  if (!a_fits) return 0;

  const std::string after_a = applied(*a, doc, "apply");
  check_normal_form(compose(*a, TextOp()));

  // Invert round trip.
  auto inv = invert(*a, Rope(doc));
  if (!inv.ok()) broken("invert", inv.status().to_string());
  check_normal_form(*inv);
  if (applied(*inv, after_a, "invert") != doc) broken("invert", "does not restore " + a->debug_string());
  auto inv2 = invert(*inv, Rope(after_a));
  if (!inv2.ok() || !(*inv2 == *a)) broken("invert", "twice is not the op " + a->debug_string());

  // Positions keep their order and stay inside the new document.
  for (Stickiness st : {Stickiness::kBefore, Stickiness::kAfter}) {
    uint64_t p = transform_position(pos, *a, st);
    uint64_t q = transform_position(pos + 1, *a, st);
    if (p > q) broken("positions", "order " + a->debug_string());
    if (pos <= len && p > count_code_points(after_a)) broken("positions", "outside " + a->debug_string());
  }
  Range anchor = transform_anchor(Range{pos, pos + 2}, *a);
  if (anchor.anchor > anchor.head) broken("anchor", a->debug_string());

  // Compose with an op that fits a's output.
  if (c && validate(*c, count_code_points(after_a)).ok()) {
    TextOp ac = compose(*a, *c);
    check_normal_form(ac);
    if (applied(ac, doc, "compose") != applied(*c, after_a, "compose")) {
      broken("compose", a->debug_string() + " then " + c->debug_string());
    }
  }

  // TP1 for a sequenced before b.
  if (b_fits) {
    TransformedPair t = transform_pair(*a, *b);
    check_normal_form(t.first_after_second);
    check_normal_form(t.second_after_first);
    const std::string after_b = applied(*b, doc, "tp1");
    if (!validate(t.second_after_first, count_code_points(after_a)).ok() ||
        !validate(t.first_after_second, count_code_points(after_b)).ok()) {
      broken("tp1", "transformed op does not fit: " + a->debug_string() + " / " + b->debug_string());
    }
    if (applied(t.second_after_first, after_a, "tp1") != applied(t.first_after_second, after_b, "tp1")) {
      broken("tp1", a->debug_string() + " / " + b->debug_string());
    }
    if (!(transform(*b, *a, Side::kRight) == t.second_after_first)) broken("tp1", "transform_pair vs transform");
  }
  return 0;
}
