// Runs the language-neutral test vectors (tests/vectors/*.json, hand-written,
// and tests/vectors/generated/*.json, seeded) against the engine. The
// TypeScript port runs the same files; see tests/vectors/README.md.

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/anchored_range.h"
#include "engine/rope.h"
#include "engine/text_op.h"
#include "engine/transform.h"
#include "op_json.h"
#include "engine/testing/printers.h"

namespace kenes::vectors {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using engine::ErrorCode;
using engine::Result;
using engine::TextOp;

const fs::path kVectorsDir = KENES_VECTORS_DIR;

struct VectorFile {
  fs::path path;
  std::string kind;
  json::array cases;
};

// Every *.json in the folder and in generated/, parsed. A file that does not
// parse is a test failure, not a skip.
std::vector<VectorFile> load_all() {
  std::vector<VectorFile> files;
  for (const fs::path& dir : {kVectorsDir, kVectorsDir / "generated"}) {
    if (!fs::is_directory(dir)) continue;
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".json") paths.push_back(entry.path());
    }
    std::sort(paths.begin(), paths.end());
    for (const fs::path& p : paths) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      boost::system::error_code ec;
      json::value doc = json::parse(buffer.str(), ec);
      if (ec || !doc.is_object() || !doc.as_object().contains("kind") || !doc.as_object().contains("cases")) {
        ADD_FAILURE() << p << ": not a vector file (" << ec.message() << ")";
        continue;
      }
      files.push_back(VectorFile{p, std::string(doc.at("kind").as_string()), doc.at("cases").as_array()});
    }
  }
  return files;
}

const std::vector<VectorFile>& all_files() {
  static const std::vector<VectorFile> files = load_all();
  return files;
}

std::string str(const json::value& v) { return std::string(v.as_string()); }
uint64_t num(const json::value& v) { return v.is_uint64() ? v.get_uint64() : static_cast<uint64_t>(v.as_int64()); }

// An op from a vector, which must be valid and already in normal form (the
// files are canonical: what the TypeScript port must produce byte for byte).
TextOp op(const json::value& v) {
  Result<TextOp> r = op_from_json(v);
  EXPECT_TRUE(r.ok()) << json::serialize(v) << ": " << r.status().to_string();
  if (!r.ok()) return TextOp();
  EXPECT_EQ(json::serialize(op_to_json(*r)), json::serialize(v)) << "op in a vector is not in normal form";
  return *r;
}

std::string applied(std::string text, const TextOp& o) {
  engine::Status s = engine::apply_to_string(o, text);
  EXPECT_TRUE(s.ok()) << s.to_string();
  return text;
}

std::string case_name(const VectorFile& f, size_t i, const json::object& c) {
  std::string name = f.path.filename().string();
  if (f.path.parent_path().filename() == "generated") name = "generated/" + name;
  name += " case " + std::to_string(i);
  if (c.contains("name")) name += ": " + str(c.at("name"));
  return name;
}

// Calls check(case) for every case of every file of `kind`; returns how many.
template <class Check>
size_t for_each_case(const std::string& kind, Check check) {
  size_t count = 0;
  for (const VectorFile& f : all_files()) {
    if (f.kind != kind) continue;
    for (size_t i = 0; i < f.cases.size(); ++i) {
      const json::object& c = f.cases[i].as_object();
      SCOPED_TRACE(case_name(f, i, c));
      check(c);
      ++count;
    }
  }
  return count;
}

TEST(VectorsTest, EveryFileHasAKnownKind) {
  const std::vector<std::string> known = {"transform", "compose", "apply", "normalize", "invert", "position", "anchor", "anchored_range"};
  std::map<std::string, int> seen;
  for (const VectorFile& f : all_files()) {
    EXPECT_NE(std::find(known.begin(), known.end(), f.kind), known.end()) << f.path << ": kind " << f.kind;
    ++seen[f.kind];
  }
  for (const std::string& k : known) EXPECT_GT(seen[k], 0) << "no vectors of kind " << k << " in " << kVectorsDir;
}

TEST(VectorsTest, TransformVectorsHold) {
  const size_t n = for_each_case("transform", [](const json::object& c) {
    const TextOp o = op(c.at("op"));
    const TextOp other = op(c.at("other"));
    const engine::Side side = str(c.at("side")) == "left" ? engine::Side::kLeft : engine::Side::kRight;
    const TextOp got = engine::transform(o, other, side);
    EXPECT_EQ(got, op(c.at("expected"))) << "got " << got.debug_string();
    if (c.contains("doc")) {
      const std::string doc = str(c.at("doc"));
      const std::string result = applied(applied(doc, other), got);
      if (c.contains("result")) {
        EXPECT_EQ(result, str(c.at("result")));
      }
      // And the other side of the diamond converges to the same text.
      const engine::Side flipped = side == engine::Side::kLeft ? engine::Side::kRight : engine::Side::kLeft;
      EXPECT_EQ(applied(applied(doc, o), engine::transform(other, o, flipped)), result);
    }
  });
  EXPECT_GT(n, 0u);
}

TEST(VectorsTest, ComposeVectorsHold) {
  const size_t n = for_each_case("compose", [](const json::object& c) {
    const TextOp a = op(c.at("a"));
    const TextOp b = op(c.at("b"));
    const TextOp got = engine::compose(a, b);
    EXPECT_EQ(got, op(c.at("expected"))) << "got " << got.debug_string();
    if (c.contains("doc")) {
      const std::string doc = str(c.at("doc"));
      EXPECT_EQ(applied(doc, got), applied(applied(doc, a), b));
      if (c.contains("result")) {
        EXPECT_EQ(applied(doc, got), str(c.at("result")));
      }
    }
  });
  EXPECT_GT(n, 0u);
}

TEST(VectorsTest, ApplyVectorsHold) {
  const size_t n = for_each_case("apply", [](const json::object& c) {
    const TextOp o = op(c.at("op"));
    const std::string doc = str(c.at("doc"));
    engine::Rope rope(doc);
    engine::Status s = engine::apply(o, rope);
    if (c.contains("error")) {
      EXPECT_EQ(engine::error_code_name(s.code()), str(c.at("error"))) << s.to_string();
      EXPECT_EQ(rope.to_string(), doc) << "a refused op changed the text";
    } else {
      EXPECT_TRUE(s.ok()) << s.to_string();
      EXPECT_EQ(rope.to_string(), str(c.at("expected")));
    }
  });
  EXPECT_GT(n, 0u);
}

TEST(VectorsTest, NormalizeVectorsHold) {
  const size_t n = for_each_case("normalize", [](const json::object& c) {
    std::vector<engine::Component> components;
    std::string error;
    ASSERT_TRUE(components_from_json(c.at("components"), components, error)) << error;
    Result<TextOp> r = TextOp::from_components(std::move(components));
    if (c.contains("error")) {
      EXPECT_FALSE(r.ok());
      EXPECT_EQ(engine::error_code_name(r.status().code()), str(c.at("error"))) << r.status().to_string();
    } else {
      ASSERT_TRUE(r.ok()) << r.status().to_string();
      EXPECT_EQ(*r, op(c.at("expected"))) << "got " << r->debug_string();
    }
  });
  EXPECT_GT(n, 0u);
}

TEST(VectorsTest, InvertVectorsHold) {
  const size_t n = for_each_case("invert", [](const json::object& c) {
    const TextOp o = op(c.at("op"));
    const std::string doc = str(c.at("doc"));
    Result<TextOp> inverse = engine::invert(o, engine::Rope(doc));
    ASSERT_TRUE(inverse.ok()) << inverse.status().to_string();
    EXPECT_EQ(*inverse, op(c.at("expected"))) << "got " << inverse->debug_string();
    EXPECT_EQ(applied(applied(doc, o), *inverse), doc);
  });
  EXPECT_GT(n, 0u);
}

TEST(VectorsTest, PositionVectorsHold) {
  const size_t n = for_each_case("position", [](const json::object& c) {
    const engine::Stickiness stickiness =
        str(c.at("stickiness")) == "after" ? engine::Stickiness::kAfter : engine::Stickiness::kBefore;
    EXPECT_EQ(engine::transform_position(num(c.at("pos")), op(c.at("op")), stickiness), num(c.at("expected")));
  });
  EXPECT_GT(n, 0u);
}

TEST(VectorsTest, AnchorVectorsHold) {
  const size_t n = for_each_case("anchor", [](const json::object& c) {
    const json::array& range = c.at("range").as_array();
    const json::array& expected = c.at("expected").as_array();
    const engine::Range got = engine::transform_anchor(engine::Range{num(range[0]), num(range[1])}, op(c.at("op")));
    EXPECT_EQ(got.anchor, num(expected[0]));
    EXPECT_EQ(got.head, num(expected[1]));
  });
  EXPECT_GT(n, 0u);
}

TEST(VectorsTest, AnchoredRangeVectorsHold) {
  const size_t n = for_each_case("anchored_range", [](const json::object& c) {
    std::string text = str(c.at("doc"));
    const json::array& range = c.at("range").as_array();
    auto created = engine::AnchoredRange::create(engine::Range{num(range[0]), num(range[1])}, engine::Rope(text));
    ASSERT_TRUE(created.ok()) << created.status().to_string();
    engine::AnchoredRange anchor = *created;
    const json::array& ops = c.at("ops").as_array();
    const json::array& expected = c.at("expected").as_array();
    ASSERT_EQ(ops.size(), expected.size());
    for (size_t i = 0; i < ops.size(); ++i) {
      SCOPED_TRACE("after op " + std::to_string(i));
      const TextOp o = op(ops[i]);
      const engine::Status s = anchor.update(o, engine::Rope(text));
      ASSERT_TRUE(s.ok()) << s.to_string();
      text = applied(text, o);
      const json::object& e = expected[i].as_object();
      const json::array& r = e.at("range").as_array();
      EXPECT_EQ(anchor.from(), num(r[0]));
      EXPECT_EQ(anchor.to(), num(r[1]));
      EXPECT_EQ(anchor.attached(), e.at("attached").as_bool());
      EXPECT_EQ(anchor.changed(), e.at("changed").as_bool());
      if (e.at("quote").is_null()) {
        EXPECT_FALSE(anchor.detached_quote().has_value());
      } else {
        ASSERT_TRUE(anchor.detached_quote().has_value());
        const json::object& q = e.at("quote").as_object();
        EXPECT_EQ(anchor.detached_quote()->text, str(q.at("text")));
        EXPECT_EQ(anchor.detached_quote()->before, str(q.at("before")));
        EXPECT_EQ(anchor.detached_quote()->after, str(q.at("after")));
      }
    }
  });
  EXPECT_GT(n, 0u);
}

}  // namespace
}  // namespace kenes::vectors
