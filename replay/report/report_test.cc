// The exports of a small fixed consultation, built record by record through a
// real RocksDB log and folded back exactly as the server does, compared with
// the committed files in tests/exports/. Regenerate them after a deliberate
// change with
//   KENES_REGENERATE_GOLDEN=1 build/release/replay/kenes_replay_tests --gtest_filter='ReportTest.*'
// and review the diff (git diff tests/exports).

#include <gtest/gtest.h>
#include <zip.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <sstream>

#include "replay/demo.h"
#include "replay/report/docx.h"
#include "replay/report/edits.h"
#include "replay/report/export.h"
#include "replay/report/markdown.h"
#include "replay/report/report_render.h"
#include "storage/rocks_log.h"
#include "storage/test_support.h"

namespace kenes::report {
namespace {

namespace fs = std::filesystem;
namespace v1 = kenes::v1;

const fs::path kGolden = fs::path(KENES_SOURCE_DIR) / "tests/exports";
constexpr char kId[] = "kz-2026";
constexpr int64_t kStart = 1767258000000;  // 2026-01-01 09:00:00 UTC

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void expect_golden(const std::string& name, const std::string& actual) {
  fs::path path = kGolden / name;
  if (std::getenv("KENES_REGENERATE_GOLDEN")) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path << " is missing; run with KENES_REGENERATE_GOLDEN=1";
  EXPECT_EQ(read_file(path), actual) << "differs from " << path;
}

// Defined below, with the DOCX tests.
std::map<std::string, std::string> unzip(const std::string& bytes);
std::string docx_text(const std::string& document_xml);
std::size_t count(const std::string& text, const std::string& what);

v1::Framework small_framework() {
  v1::Framework fw;
  fw.set_edition("Test edition <2026>");
  fw.set_source("Kenes tests & friends");
  auto add_category = [&](const char* id, const char* title) {
    auto* c = fw.add_categories();
    c->set_id(id);
    c->set_title(title);
    return c;
  };
  // C comes second in the file: the report moves the contextual chapter first.
  auto* r = add_category("R", "Rights");
  auto* c = add_category("C", "Contextual indicators");
  auto* x = add_category("X", "Cross-cutting indicators");
  auto add = [](v1::Category* cat, const char* theme, const char* question, const char* id, const char* title,
                bool core, std::vector<std::string> sources) {
    v1::Theme* t = nullptr;
    for (auto& existing : *cat->mutable_themes()) {
      if (existing.id() == theme) t = &existing;
    }
    if (!t) {
      t = cat->add_themes();
      t->set_id(theme);
      t->set_title(std::string("Theme ") + theme);
    }
    auto* q = t->add_questions();
    q->set_id(question);
    q->set_title(std::string("Question ") + question + "?");
    auto* i = q->add_indicators();
    i->set_id(id);
    i->set_title(title);
    i->set_core(core);
    for (auto& s : sources) i->add_sources(s);
  };
  add(r, "R.A", "R.A.1", "R.1", "Legal framework for *freedom* of expression", true, {"Constitution", "Courts"});
  add(r, "R.B", "R.B.1", "R.2", "Access to information", false, {});
  add(c, "C.A", "C.A.1", "C.1", "Population", true, {"Statistics office"});
  x->add_themes()->set_id("X.A");
  x->mutable_themes(0)->set_title("Gender");
  return fw;
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = storage::RocksLog::open(dir_.sub("log"));
    ASSERT_TRUE(opened.ok()) << opened.status().to_string();
    log_ = std::move(opened.value());
    int64_t t = kStart;
    auto rec = [&](const std::string& author) {
      v1::LogRecord r;
      r.set_author(author);
      r.set_time_unix_ms(t);
      t += 60000;
      return r;
    };
    std::vector<v1::LogRecord> records;
    {
      auto r = rec("operator");
      auto* c = r.mutable_consultation_created();
      c->set_consultation_id(kId);
      c->set_title("Kazakhstan 2026 — ROAM-X <national> assessment");
      *c->mutable_framework() = small_framework();
      c->set_scope(v1::SCOPE_ALL);
      records.push_back(r);
    }
    auto invite = [&](const char* id, const char* name, v1::Role role) {
      auto r = rec("chair");
      r.mutable_participant_invited()->set_participant_id(id);
      r.mutable_participant_invited()->set_display_name(name);
      r.mutable_participant_invited()->set_role(role);
      records.push_back(r);
    };
    invite("chair", "Aigerim", v1::ROLE_CHAIR);
    invite("researcher", "Daniyar", v1::ROLE_RESEARCHER);
    invite("member-1", "Елена <b>", v1::ROLE_MEMBER);
    invite("member-2", "Nurlan", v1::ROLE_MEMBER);
    invite("observer", "Saule", v1::ROLE_OBSERVER);
    auto profile = [&](const char* who, v1::StakeholderGroup group, const char* gender) {
      auto r = rec(who);
      r.mutable_profile_updated()->set_stakeholder_group(group);
      r.mutable_profile_updated()->set_gender(gender);
      records.push_back(r);
    };
    profile("chair", v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman");
    profile("member-1", v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY, "woman");
    profile("member-2", v1::STAKEHOLDER_GROUP_ACADEMIA, "man");
    uint64_t client_seq = 0;
    std::map<std::string, uint64_t> versions;
    auto insert = [&](const std::string& doc, uint64_t at, const std::string& text) {
      auto r = rec("researcher");
      r.set_client_id("researcher-client");
      r.set_client_seq(++client_seq);
      auto* e = r.mutable_text_edit();
      e->set_doc_id(doc);
      e->set_version(++versions[doc]);
      if (at > 0) e->mutable_op()->add_components()->set_retain(at);
      e->mutable_op()->add_components()->set_insert(text);
      records.push_back(r);
    };
    insert("indicator/R.1", 0,
           "# Findings\n\nThe constitution protects expression; see <script>alert(\"x\")</script> & more.\n");
    insert("indicator/R.1", 10, " (revised)");
    insert("indicator/C.1", 0, "Population: 20 million (2025).\n\n```\n# not a heading\n```\n");
    insert("recommendation/R/civil-society", 0, "Publish court decisions online.");
    insert("recommendation/R/government", 0, "Adopt a data protection law.");
    {
      auto r = rec("chair");
      r.mutable_participant_revoked()->set_participant_id("member-2");
      r.mutable_participant_revoked()->set_reason("left the board");
      records.push_back(r);
    }
    // Records 16 on: the indicator workflow, a meeting with a validation poll.
    invite("member-3", "Arman", v1::ROLE_MEMBER);
    invite("member-4", "Dana", v1::ROLE_MEMBER);
    profile("member-3", v1::STAKEHOLDER_GROUP_ACADEMIA, "man");
    profile("member-4", v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman");
    {
      auto r = rec("chair");
      r.mutable_indicator_assignees_set()->set_indicator_id("R.1");
      r.mutable_indicator_assignees_set()->add_participant_ids("researcher");
      records.push_back(r);
      auto s = rec("researcher");
      s.mutable_indicator_sources_set()->set_indicator_id("R.1");
      s.mutable_indicator_sources_set()->add_sources("Constitution (1995)");
      s.mutable_indicator_sources_set()->add_sources("Supreme Court rulings");
      records.push_back(s);
    }
    meeting_first_seq_ = records.size() + 1;
    {
      auto r = rec("chair");
      auto* m = r.mutable_meeting_started();
      m->set_meeting_id("meeting-1");
      m->set_title("Board meeting <1>");
      m->add_agenda_indicator_ids("R.1");
      m->add_agenda_indicator_ids("R.2");
      records.push_back(r);
    }
    auto attend = [&](const char* who, bool present) {
      auto r = rec(who);
      r.mutable_attendance_changed()->set_meeting_id("meeting-1");
      r.mutable_attendance_changed()->set_present(present);
      records.push_back(r);
    };
    attend("chair", true);
    attend("member-1", true);
    attend("member-3", true);
    attend("member-4", true);
    {
      auto r = rec("chair");
      r.mutable_spotlight_set()->set_meeting_id("meeting-1");
      r.mutable_spotlight_set()->set_indicator_id("R.1");
      records.push_back(r);
    }
    insert("indicator/R.1", 21, "Status quo: agreed.\n");  // version 3, during the meeting
    {
      // A thread on the draft's "Findings", started and resolved in the meeting.
      auto t = rec("member-1");
      auto* c = t.mutable_thread_created();
      c->set_thread_id("thread-1");
      c->set_first_comment_id("comment-1");
      c->mutable_target()->set_indicator_id("R.1");
      c->mutable_target()->set_doc_id("indicator/R.1");
      c->mutable_target()->mutable_range()->set_anchor(2);
      c->mutable_target()->mutable_range()->set_head(10);
      c->mutable_target()->set_version(3);
      c->set_quote("Findings");
      c->set_body("Which findings?");
      records.push_back(t);
      auto r = rec("chair");
      r.mutable_thread_resolved()->set_thread_id("thread-1");
      r.mutable_thread_resolved()->set_resolved(true);
      records.push_back(r);
    }
    {
      auto r = rec("chair");
      auto* p = r.mutable_poll_created();
      p->set_poll_id("poll-1");
      auto* def = p->mutable_definition();
      def->set_kind(v1::POLL_KIND_AGREEMENT);
      def->set_question("R.1 describes the legal framework accurately");
      def->set_anonymous(true);
      def->add_eligible_roles(v1::ROLE_MEMBER);
      def->set_target_indicator_id("R.1");
      def->set_target_version(3);
      records.push_back(r);
      auto o = rec("chair");
      o.mutable_poll_opened()->set_poll_id("poll-1");
      records.push_back(o);
    }
    auto vote = [&](const char* who, uint32_t choice, v1::StakeholderGroup group, const char* gender) {
      auto r = rec(who);
      auto* v = r.mutable_vote_cast();
      v->set_poll_id("poll-1");
      v->add_choices(choice);
      v->set_voter_role(v1::ROLE_MEMBER);
      v->set_voter_stakeholder_group(group);
      v->set_voter_gender(gender);
      records.push_back(r);
    };
    vote("member-1", 0, v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY, "woman");
    vote("member-3", 1, v1::STAKEHOLDER_GROUP_ACADEMIA, "man");
    vote("member-4", 0, v1::STAKEHOLDER_GROUP_GOVERNMENT, "woman");
    {
      auto r = rec("chair");
      r.mutable_poll_closed()->set_poll_id("poll-1");
      r.mutable_poll_closed()->set_eligible(3);
      records.push_back(r);
      auto st = rec("chair");
      st.mutable_indicator_status_changed()->set_indicator_id("R.2");
      st.mutable_indicator_status_changed()->set_status(v1::INDICATOR_STATUS_NEEDS_REVISION);
      records.push_back(st);
    }
    attend("member-1", false);
    {
      auto r = rec("chair");
      r.mutable_meeting_ended()->set_meeting_id("meeting-1");
      records.push_back(r);
    }
    insert("indicator/R.1", 21, "Update: pending.\n");  // after the meeting: changed since validation
    // A draft using what GitHub-flavoured Markdown offers, with hostile bits:
    // raw HTML in a table cell, a script link, an image that would be fetched.
    insert("indicator/C.1", 56,
           "\n| Region | Population | Share |\n|---|--:|:-:|\n| Almaty | 2.2 million | 11% |\n"
           "| Astana <city> | **1.4** million | 7% |\n\n"
           "Source: [Bureau of National Statistics](https://stat.gov.kz)[^1], ~~estimate~~ census; see also "
           "https://example.org/census and [a script](javascript:alert(1)).\n\n"
           "- urban\n- rural\n  1. north\n  2. south\n\n"
           "![chart](https://tracker.example/pixel.png)\n\n[^1]: Census *2021*, table 3.\n");

    // Issue 19, after the meeting: the front and back matter (a blank
    // foreword: left out of the publication, "not written yet" in the
    // working copy; the others never written), a score, and a named
    // validation poll of C.1 with reservations, one hostile to HTML.
    insert("report/executive-summary", 0,
           "Kazakhstan's internet is *largely* open.\n\n# Key findings\n\n- access grew\n- rights lag[^1]\n\n"
           "[^1]: See chapter R.\n");
    insert("report/methodology", 0,
           "Desk research, interviews and board meetings, following UNESCO's <ROAM-X> framework.\n");
    insert("report/conclusions", 0, "The board recommends **three** reforms.\n");
    insert("report/foreword", 0, " \n\n");
    {
      auto r = rec("chair");
      r.mutable_indicator_score_set()->set_indicator_id("R.1");
      r.mutable_indicator_score_set()->set_score(3);
      records.push_back(r);
    }
    {
      auto r = rec("chair");
      auto* def = r.mutable_poll_created()->mutable_definition();
      r.mutable_poll_created()->set_poll_id("poll-2");
      def->set_kind(v1::POLL_KIND_AGREEMENT);
      def->set_question("C.1 describes the population accurately");
      def->add_eligible_roles(v1::ROLE_MEMBER);
      def->set_target_indicator_id("C.1");
      def->set_target_version(2);
      records.push_back(r);
      auto o = rec("chair");
      o.mutable_poll_opened()->set_poll_id("poll-2");
      records.push_back(o);
      auto ballot = [&](const char* who, uint32_t choice, const char* reservation) {
        auto b = rec(who);
        auto* v = b.mutable_vote_cast();
        v->set_poll_id("poll-2");
        v->add_choices(choice);
        v->set_voter_role(v1::ROLE_MEMBER);
        v->set_reservation(reservation);
        records.push_back(b);
      };
      ballot("member-1", 1, "Cite the 2021 census <tables> & sources");
      ballot("member-3", 0, "");
      ballot("member-4", 1, "Name the regions");
      auto c = rec("chair");
      c.mutable_poll_closed()->set_poll_id("poll-2");
      c.mutable_poll_closed()->set_eligible(3);
      records.push_back(c);
    }
    // Issue 19's evidence: R.1 cites a report with a link (the source of a
    // figure broken down by sex, with a note hostile to Markdown tables) and
    // a paper whose title is hostile to HTML; C.1 cites the first report
    // again, read on another day (once in the annex), and quotes a figure
    // from a source given in words.
    {
      auto reference = [&](const char* indicator, const char* id, std::vector<std::string> authors, const char* title,
                           uint32_t year, const char* publisher, const char* link, const char* accessed) {
        auto r = rec("researcher");
        r.mutable_reference_added()->set_indicator_id(indicator);
        auto* ref = r.mutable_reference_added()->mutable_reference();
        ref->set_reference_id(id);
        for (auto& a : authors) ref->add_authors(a);
        ref->set_title(title);
        ref->set_year(year);
        ref->set_publisher(publisher);
        ref->set_link(link);
        ref->set_accessed(accessed);
        records.push_back(r);
      };
      reference("R.1", "ref-1", {"Freedom House"}, "Freedom on the Net 2024: Kazakhstan", 2024, "Freedom House",
                "https://freedomhouse.org/country/kazakhstan/freedom-net/2024", "2026-11-02");
      reference("R.1", "ref-2", {"Amanov, B.", "Li, C."}, "Courts and <speech> online", 2022, "", "", "");
      reference("C.1", "ref-3", {"Freedom House"}, "Freedom on the Net 2024: Kazakhstan", 2024, "Freedom House",
                "https://freedomhouse.org/country/kazakhstan/freedom-net/2024", "2026-12-01");
      auto f = rec("researcher");
      f.mutable_figure_added()->set_indicator_id("R.1");
      auto* fig = f.mutable_figure_added()->mutable_figure();
      fig->set_figure_id("fig-1");
      fig->set_label("Internet users");
      fig->set_value("87.3");
      fig->set_unit("% of population");
      fig->set_year(2023);
      fig->set_source_reference_id("ref-1");
      for (auto [label, value] : {std::pair{"women", "86.1"}, std::pair{"men", "88.6"}}) {
        auto* row = fig->add_breakdown();
        row->set_label(label);
        row->set_value(value);
      }
      fig->set_note("Ages 15-74 | household survey");
      records.push_back(f);
      auto g = rec("researcher");
      g.mutable_figure_added()->set_indicator_id("C.1");
      auto* pop = g.mutable_figure_added()->mutable_figure();
      pop->set_figure_id("fig-2");
      pop->set_label("Population");
      pop->set_value("≈ 20 million");
      pop->set_year(2025);
      pop->set_source_text("Bureau of National Statistics");
      records.push_back(g);
    }

    for (auto& r : records) {
      auto appended = log_->append(kId, {storage::Entry{r.SerializeAsString(), std::nullopt}});
      ASSERT_TRUE(appended.ok()) << appended.status().to_string();
    }
    auto head = log_->head(kId);
    ASSERT_TRUE(head.ok());
    head_ = head.value();
  }

  storage::testing::TempDir dir_;
  std::unique_ptr<storage::RocksLog> log_;
  storage::Head head_;
  uint64_t meeting_first_seq_ = 0;
};

const std::vector<Lang> kLangs = {Lang::kEn, Lang::kRu, Lang::kKk};
const std::vector<Variant> kVariants = {Variant::kPublication, Variant::kWorking};

ExportOptions options_for(Lang lang, Variant variant) {
  ExportOptions options;
  options.lang = lang;
  options.variant = variant;
  return options;
}

// "en-publication", "kk-working": what the file names and golden files carry.
std::string suffix_of(Lang lang, Variant variant) {
  return std::string(lang_code(lang)) + "-" + std::string(variant_name(variant));
}

// tests/exports/report-<lang>-<variant>.{md,html,docx-document.xml}: the
// publication and the working copy in each language. The DOCX is compared
// by its document part (the rest is fixed XML the DOCX test checks).
TEST_F(ReportTest, TheReportInEachLanguageAndVariantMatchesItsGoldenFiles) {
  for (Lang lang : kLangs) {
    for (Variant variant : kVariants) {
      const std::string suffix = suffix_of(lang, variant);
      for (const char* name : {"report.md", "report.html", "report.docx"}) {
        ExportOutput out = export_consultation(*log_, kId, name, options_for(lang, variant));
        ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
        std::string file = name;
        file.insert(file.rfind('.'), "-" + suffix);
        EXPECT_EQ(out.file_name, "kz-2026-seq" + std::to_string(head_.seq) + "-" + file);
        if (std::string(name) == "report.docx") {
          expect_golden("report-" + suffix + ".docx-document.xml", unzip(out.body)["word/document.xml"]);
        } else {
          expect_golden(file, out.body);
        }
      }
    }
  }
  ExportOutput md = export_consultation(*log_, kId, "report.md");
  EXPECT_EQ(md.content_type, "text/markdown; charset=utf-8");
  EXPECT_EQ(md.file_name, "kz-2026-seq" + std::to_string(head_.seq) + "-report-en-publication.md")
      << "the publication in English unless asked otherwise";
}

TEST_F(ReportTest, HtmlReportsEscapeEveryTextAndRenderDraftsAsMarkdown) {
  for (Variant variant : kVariants) {
    ExportOutput out = export_consultation(*log_, kId, "report.html", options_for(Lang::kEn, variant));
    ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
    SCOPED_TRACE(std::string(variant_name(variant)));
    EXPECT_EQ(out.body.find("<script"), std::string::npos);
    EXPECT_EQ(out.body.find("<b>"), std::string::npos);
    EXPECT_EQ(out.body.find("<ROAM-X>"), std::string::npos);
    EXPECT_NE(out.body.find("following UNESCO's &lt;ROAM-X&gt; framework."), std::string::npos);
    EXPECT_NE(out.body.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more"), std::string::npos);
    EXPECT_NE(out.body.find("Елена &lt;b&gt;"), std::string::npos);
    EXPECT_NE(out.body.find("Cite the 2021 census &lt;tables&gt; &amp; sources"), std::string::npos);
    // Drafts are rendered Markdown, raw HTML in them kept as text.
    EXPECT_EQ(out.body.find("|---"), std::string::npos);
    EXPECT_NE(out.body.find("<table>\n<thead>\n<tr>\n<th>Region</th>"), std::string::npos);
    EXPECT_NE(out.body.find("<td>Astana &lt;city&gt;</td>"), std::string::npos);
    EXPECT_NE(out.body.find("<a href=\"https://stat.gov.kz\">Bureau of National Statistics</a>"), std::string::npos);
    EXPECT_NE(out.body.find("<a href=\"https://example.org/census\">"), std::string::npos);
    EXPECT_NE(out.body.find("<del>estimate</del>"), std::string::npos);
    EXPECT_NE(out.body.find("<h6>Findings (revised)</h6>"), std::string::npos);
    EXPECT_EQ(out.body.find("javascript:"), std::string::npos);
    // Footnote anchors carry the indicator or section, so two drafts'
    // footnotes never share an id.
    EXPECT_NE(out.body.find("href=\"#ind-C.1-fn-1\""), std::string::npos);
    EXPECT_NE(out.body.find("id=\"ind-C.1-fn-1\""), std::string::npos);
    EXPECT_NE(out.body.find("href=\"#sec-executive-summary-fn-1\""), std::string::npos);
    EXPECT_NE(out.body.find("<h3>Key findings</h3>"), std::string::npos) << "a section's # heading sits below its <h2>";
    // Self-contained: nothing fetched from elsewhere (the image is a link).
    EXPECT_NE(out.body.find("<a href=\"https://tracker.example/pixel.png\">chart</a>"), std::string::npos);
    EXPECT_EQ(out.body.find("src="), std::string::npos);
    EXPECT_EQ(out.body.find("<link"), std::string::npos);
  }
}

TEST_F(ReportTest, EveryExportStatesTheHeadOfTheLogItWasBuiltFrom) {
  const std::string expect_head = "--expect-head " + std::to_string(head_.seq) + ":" + storage::to_hex(head_.hash);
  for (Variant variant : kVariants) {
    for (const char* name : {"report.md", "report.html", "report.docx"}) {
      ExportOutput out = export_consultation(*log_, kId, name, options_for(Lang::kKk, variant));
      ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
      EXPECT_EQ(out.head.seq, head_.seq);
      EXPECT_EQ(out.head.hash_hex, storage::to_hex(head_.hash));
      std::string body = std::string(name) == "report.docx" ? unzip(out.body)["word/document.xml"] : out.body;
      EXPECT_NE(body.find(expect_head), std::string::npos) << name << " " << variant_name(variant);
      EXPECT_NE(body.find(std::to_string(head_.seq) + "-жазбаға дейін құрылған (SHA-256 " +
                          storage::to_hex(head_.hash) + ")"),
                std::string::npos)
          << name << " " << variant_name(variant) << ": the built-from line";
    }
  }
  // One more record: a new export names the new head.
  v1::LogRecord r;
  r.set_author("chair");
  r.mutable_participant_invited()->set_participant_id("late");
  r.mutable_participant_invited()->set_display_name("Late");
  r.mutable_participant_invited()->set_role(v1::ROLE_OBSERVER);
  ASSERT_TRUE(log_->append(kId, {storage::Entry{r.SerializeAsString(), std::nullopt}}).ok());
  ExportOutput later = export_consultation(*log_, kId, "report.md");
  EXPECT_EQ(later.head.seq, head_.seq + 1);
  EXPECT_NE(later.body.find("at record " + std::to_string(head_.seq + 1) + " "), std::string::npos);
}

TEST_F(ReportTest, EachIndicatorsFiguresAndReferencesArePrintedAndCollectedInTheReferencesAnnex) {
  for (Variant variant : kVariants) {
    ExportOutput md = export_consultation(*log_, kId, "report.md", options_for(Lang::kEn, variant));
    ASSERT_EQ(md.code, ExportOutput::Code::kOk) << md.message;
    const std::string& b = md.body;
    const std::string table =
        "**Figures**\n\n| Figure | Value | Unit | Year | Source |\n| --- | --- | --- | --- | --- |\n"
        "| Internet users | 87.3 | % of population | 2023 | Freedom House (2024) |\n"
        "| – women | 86.1 |  |  |  |\n| – men | 88.6 |  |  |  |\n\n"
        "Note (Internet users): Ages 15-74 \\| household survey\n\n";
    const size_t r1 = b.find("##### R.1 ");
    ASSERT_NE(b.find(table, r1), std::string::npos) << variant_name(variant) << "\n" << b;
    EXPECT_NE(b.find("| Population | ≈ 20 million |  | 2025 | Bureau of National Statistics |"), std::string::npos);
    const std::string fh =
        "Freedom House (2024). *Freedom on the Net 2024: Kazakhstan*. Freedom House. "
        "[https://freedomhouse.org/country/kazakhstan/freedom-net/2024]"
        "(https://freedomhouse.org/country/kazakhstan/freedom-net/2024) (accessed 2 November 2026).";
    const std::string courts = "Amanov, B. and Li, C. (2022). *Courts and \\<speech\\> online*.";
    EXPECT_NE(b.find("**References**\n\n- " + fh + "\n- " + courts + "\n", r1), std::string::npos) << b;
    // The annex: each work once, by author (Amanov before Freedom House);
    // of R.1's and C.1's copies of the same report the first in the
    // report's order is kept: C.1's, read on 1 December.
    const size_t annex = b.find("## References\n\n");
    ASSERT_NE(annex, std::string::npos);
    std::string fh_c1 = fh;
    fh_c1.replace(fh_c1.find("2 November"), 10, "1 December");
    EXPECT_NE(b.find("- " + courts + "\n- " + fh_c1 + "\n\n", annex), std::string::npos) << b.substr(annex);
    EXPECT_EQ(b.find("accessed 2 November 2026", annex), std::string::npos);
    EXPECT_EQ(b.find("not written yet", annex), std::string::npos);

    ExportOutput html = export_consultation(*log_, kId, "report.html", options_for(Lang::kRu, variant));
    ASSERT_EQ(html.code, ExportOutput::Code::kOk) << html.message;
    EXPECT_NE(html.body.find("<th>Показатель</th>"), std::string::npos);
    EXPECT_NE(html.body.find("<td>– women</td>"), std::string::npos);
    EXPECT_NE(html.body.find("<a href=\"https://freedomhouse.org/country/kazakhstan/freedom-net/2024\">"),
              std::string::npos);
    EXPECT_NE(html.body.find("дата обращения: 2 ноября 2026 г."), std::string::npos);
    EXPECT_EQ(html.body.find("<speech>"), std::string::npos);

    ExportOutput docx = export_consultation(*log_, kId, "report.docx", options_for(Lang::kKk, variant));
    ASSERT_EQ(docx.code, ExportOutput::Code::kOk) << docx.message;
    const std::string xml = unzip(docx.body)["word/document.xml"];
    EXPECT_NE(xml.find("Статистикалық деректер"), std::string::npos);
    EXPECT_NE(xml.find("Дереккөздер тізімі"), std::string::npos);
    EXPECT_NE(xml.find("Bureau of National Statistics"), std::string::npos);
  }
}

TEST_F(ReportTest, TheReportFollowsTheNationalReportsOrderAndTheScope) {
  ExportOutput out = export_consultation(*log_, kId, "report.md", options_for(Lang::kEn, Variant::kWorking));
  auto at = [&](const std::string& s) { return out.body.find(s); };
  // Front matter, the contextual chapter, the ROAM-X chapters, back matter.
  const std::vector<std::string> order = {
      "## Foreword",         "## Acknowledgements", "## Executive summary",   "## Introduction",
      "## Methodology",      "### The advisory board", "### The research team", "## Limitations",
      "## C. Contextual indicators", "## R. Rights", "## X. Cross-cutting indicators", "## Conclusions",
      "## Annexes",          "## References",       "## Participants",        "## About this report"};
  for (std::size_t k = 0; k < order.size(); ++k) {
    ASSERT_NE(at(order[k]), std::string::npos) << order[k] << "\n" << out.body;
    if (k > 0) {
      EXPECT_LT(at(order[k - 1]), at(order[k])) << order[k - 1] << " before " << order[k];
    }
  }
  // The contents list the same chapters in the same order.
  EXPECT_NE(at("## Contents\n\n1. Foreword\n2. Acknowledgements\n3. Executive summary\n4. Introduction\n"
               "5. Methodology\n6. Limitations\n7. C. Contextual indicators\n8. R. Rights\n"
               "9. X. Cross-cutting indicators\n10. Conclusions\n11. Annexes\n12. References\n13. Participants\n\n"),
            std::string::npos)
      << out.body;
  // Headings inside drafts sit below the indicator's or section's own; fenced code is left alone.
  EXPECT_NE(at("###### Findings"), std::string::npos);
  EXPECT_NE(at("### Key findings"), std::string::npos);
  EXPECT_NE(at("```\n# not a heading\n```"), std::string::npos);
  // Recommendations by group, in the groups' order; revoked people are not listed.
  EXPECT_LT(at("#### Government"), at("#### Civil society"));
  EXPECT_EQ(at("Nurlan"), std::string::npos);
}

// The publication carries the text and nothing of the team's workflow:
// no status, assignee, suggested source, score, draft version or "not
// validated"; R.2 (never drafted) is left out with its question and theme,
// X (an empty theme and no recommendation) and the unwritten sections with
// it; the validations are sentences without poll ids.
TEST_F(ReportTest, ThePublicationLeavesOutTheWorkflowAndEverythingEmpty) {
  for (Lang lang : kLangs) {
    const ReportWords& w = report_words(lang);
    for (const char* name : {"report.md", "report.html", "report.docx"}) {
      ExportOutput out = export_consultation(*log_, kId, name, options_for(lang, Variant::kPublication));
      ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
      const std::string body =
          std::string(name) == "report.docx" ? docx_text(unzip(out.body)["word/document.xml"]) : out.body;
      const std::string where = std::string(lang_code(lang)) + " " + name;
      const std::string drafted = fill(w.drafted, {{"n", "2"}, {"total", "3"}});
      // Labels end in ": " in the Markdown and the DOCX, and are <dt>s in HTML,
      // which has no <dl> at all then. (A label alone can be part of a word:
      // Kazakh "Баға", score, begins "Бағалау", assessment.)
      const bool html = std::string(name) == "report.html";
      EXPECT_EQ(html && body.find("<dl>") != std::string::npos, false) << where;
      auto label = [&](const char* l) { return html ? "<dt>" + std::string(l) : std::string(l) + ":"; };
      for (const std::string& absent :
           {label(w.status), label(w.assigned_to), label(w.suggested_sources), label(w.score),
            label(w.draft_version), label(w.validation), std::string(w.not_validated),
            std::string(w.no_draft), std::string(w.theme_out_of_scope), std::string(w.not_written_yet),
            std::string(w.participants), drafted, section_title("foreword", lang),
            section_title("acknowledgements", lang), section_title("introduction", lang),
            section_title("limitations", lang), section_title("annexes", lang),
            std::string("X. Cross-cutting indicators"), std::string("R.B Theme R.B"), std::string("R.2 Access"),
            std::string("poll-1"), std::string("poll-2"), std::string("Saule"), std::string("Nurlan")}) {
        EXPECT_EQ(body.find(absent), std::string::npos) << where << " says " << absent;
      }
      for (const std::string& present :
           {section_title("executive-summary", lang), section_title("methodology", lang),
            section_title("conclusions", lang), std::string(w.advisory_board), std::string(w.research_team),
            std::string("C. Contextual indicators"), std::string("R. Rights"), std::string("R.A Theme R.A"),
            std::string("Desk research, interviews and board meetings"), std::string("Supreme Court rulings"),
            std::string(w.edited_since_validation).substr(1), std::string("Dana: Name the regions"),
            fill(w.validated_by_poll_public, {{"date", format_date(kStart, lang)},
                                              {"agree", "1"},
                                              {"reservations", "2"},
                                              {"disagree", "0"},
                                              {"abstain", "0"}}),
            fill(w.recommendations, {{"category", "R"}}), fill(w.scope_all, {{"n", "3"}})}) {
        EXPECT_NE(body.find(present), std::string::npos) << where << " lacks " << present << "\n" << body;
      }
    }
  }
}

TEST_F(ReportTest, TheWorkingCopyShowsEverySectionAndSaysWhichAreNotWrittenYet) {
  for (Lang lang : kLangs) {
    const ReportWords& w = report_words(lang);
    ExportOutput out = export_consultation(*log_, kId, "report.md", options_for(lang, Variant::kWorking));
    ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
    for (auto slugs : {front_matter_slugs(), back_matter_slugs()}) {
      for (auto slug : slugs) {
        EXPECT_NE(out.body.find("## " + section_title(slug, lang) + "\n"), std::string::npos) << slug;
      }
    }
    // The blank foreword and the four sections nobody opened (the
    // references section has its annex, so it is not empty).
    EXPECT_EQ(count(out.body, std::string("*") + markdown_inline(w.not_written_yet) + "*"), 5u) << out.body;
    EXPECT_NE(out.body.find(w.theme_out_of_scope), std::string::npos);
    EXPECT_NE(out.body.find("R.2 Access"), std::string::npos);
  }
}

// The lists after the methodology come from the roster at the head: members
// (and the chair if she counts herself one) are the board, researchers (and
// the chair otherwise, as the team's lead) the team; observers and revoked
// people are in neither, and no list gives a group or a gender.
TEST_F(ReportTest, TheBoardAndTheResearchTeamAreNamedFromTheRoster) {
  auto names = [](const std::vector<TeamMember>& team) {
    std::string out;
    for (const auto& m : team) out += (out.empty() ? "" : ", ") + m.name + (m.chair ? " *" : "");
    return out;
  };
  LoadedConsultation loaded = load_consultation(*log_, kId);
  ASSERT_EQ(loaded.error, "");
  ReportData data = build_report_data(loaded.state, loaded.head);
  EXPECT_EQ(names(data.advisory_board), "Arman, Dana, Елена <b>");
  EXPECT_EQ(names(data.research_team), "Aigerim *, Daniyar");
  ExportOutput md = export_consultation(*log_, kId, "report.md");
  EXPECT_NE(md.body.find("### The advisory board\n\n- Arman\n- Dana\n- Елена \\<b\\>\n\n"
                         "### The research team\n\n- Aigerim (research lead)\n- Daniyar\n\n## C. Contextual"),
            std::string::npos)
      << md.body;

  v1::LogRecord r;
  r.set_author("chair");
  r.set_time_unix_ms(kStart + 7200000);
  r.mutable_board_settings_set()->set_chair_is_board_member(true);
  ASSERT_TRUE(log_->append(kId, {storage::Entry{r.SerializeAsString(), std::nullopt}}).ok());
  loaded = load_consultation(*log_, kId);
  data = build_report_data(loaded.state, loaded.head);
  EXPECT_EQ(names(data.advisory_board), "Aigerim *, Arman, Dana, Елена <b>");
  EXPECT_EQ(names(data.research_team), "Daniyar");
  for (Lang lang : kLangs) {
    const ReportWords& w = report_words(lang);
    for (Variant variant : kVariants) {
      ExportOutput out = export_consultation(*log_, kId, "report.md", options_for(lang, variant));
      const std::size_t from = out.body.find("### " + std::string(w.advisory_board));
      const std::size_t to = out.body.find("## C. Contextual");
      ASSERT_NE(from, std::string::npos);
      ASSERT_LT(from, to);
      const std::string lists = out.body.substr(from, to - from);
      EXPECT_EQ(lists, "### " + std::string(w.advisory_board) + "\n\n- Aigerim (" +
                           role_name(v1::ROLE_CHAIR, lang) + ")\n- Arman\n- Dana\n- Елена \\<b\\>\n\n### " +
                           w.research_team + "\n\n- Daniyar\n\n" +
                           (variant == Variant::kWorking
                                ? "## " + section_title("limitations", lang) + "\n\n*" +
                                      markdown_inline(w.not_written_yet) + "*\n\n"
                                : std::string()))
          << lists;
    }
  }
}

// A chair may validate by hand (no poll): the report still says when — the
// day of her status change, in each language and variant.
TEST_F(ReportTest, AChairsValidationIsDatedByHerStatusChange) {
  // R.2 drafted (the publication prints drafted indicators only), then validated.
  v1::LogRecord draft;
  draft.set_author("researcher");
  draft.set_time_unix_ms(1773306000000);
  draft.set_client_id("researcher-client-2");
  draft.set_client_seq(1);
  draft.mutable_text_edit()->set_doc_id("indicator/R.2");
  draft.mutable_text_edit()->set_version(1);
  draft.mutable_text_edit()->mutable_op()->add_components()->set_insert("Courts publish their decisions.\n");
  ASSERT_TRUE(log_->append(kId, {storage::Entry{draft.SerializeAsString(), std::nullopt}}).ok());
  v1::LogRecord r;
  r.set_author("chair");
  r.set_time_unix_ms(1773309600000);  // 2026-03-12 10:00 UTC
  r.mutable_indicator_status_changed()->set_indicator_id("R.2");
  r.mutable_indicator_status_changed()->set_status(v1::INDICATOR_STATUS_VALIDATED);
  r.mutable_indicator_status_changed()->set_text_version(1);  // as the server stamps it
  ASSERT_TRUE(log_->append(kId, {storage::Entry{r.SerializeAsString(), std::nullopt}}).ok());
  for (Lang lang : kLangs) {
    const std::string day = format_date(1773309600000, lang);
    ASSERT_NE(day.find("12"), std::string::npos) << day;
    for (Variant variant : kVariants) {
      ExportOutput out = export_consultation(*log_, kId, "report.md", options_for(lang, variant));
      ASSERT_EQ(out.code, ExportOutput::Code::kOk);
      const ReportWords& w = report_words(lang);
      const std::string sentence =
          variant == Variant::kPublication
              ? fill(w.validated_by_chair_public, {{"date", day}})
              : fill(w.validated_by_chair, {{"version", "1"}, {"date", day}});
      EXPECT_NE(out.body.find(markdown_inline(sentence)), std::string::npos)
          << lang_code(lang) << " " << static_cast<int>(variant) << ": " << sentence << "\n" << out.body;
    }
  }
}

// The report covers what the scope in force covers, as the server and the
// client decide it (ConsultationState::in_scope): core only leaves R.2 out;
// core plus R.2, selected, brings it back.
TEST_F(ReportTest, TheReportCoversTheScopeInForceCorePlusSelectedIncluded) {
  auto change_scope = [&](v1::Scope scope, std::vector<std::string> selected) {
    v1::LogRecord r;
    r.set_author("chair");
    r.set_time_unix_ms(kStart + 7200000);
    r.mutable_scope_changed()->set_scope(scope);
    for (auto& id : selected) r.mutable_scope_changed()->add_selected_indicator_ids(id);
    ASSERT_TRUE(log_->append(kId, {storage::Entry{r.SerializeAsString(), std::nullopt}}).ok());
  };
  const ExportOptions working = options_for(Lang::kEn, Variant::kWorking);
  change_scope(v1::SCOPE_CORE, {});
  std::string md = export_consultation(*log_, kId, "report.md", working).body;
  EXPECT_NE(md.find("Scope: the 2 core indicators (of 3 in the framework)."), std::string::npos) << md;
  EXPECT_EQ(md.find("R.2 Access"), std::string::npos);
  EXPECT_NE(md.find("### R.B Theme R.B\n\n*No indicator of this theme is in the assessment's scope.*"),
            std::string::npos);
  change_scope(v1::SCOPE_CORE_PLUS_SELECTED, {"R.2"});
  md = export_consultation(*log_, kId, "report.md", working).body;
  EXPECT_NE(md.find("Scope: the core indicators and those the team selected: 3 of 3 in the framework."),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("##### R.2 Access to information"), std::string::npos);
  for (Lang lang : {Lang::kRu, Lang::kKk}) {
    const ReportWords& w = report_words(lang);
    std::string localized = export_consultation(*log_, kId, "report.md", options_for(lang, Variant::kPublication)).body;
    EXPECT_NE(localized.find(markdown_inline(fill(w.scope_core_plus_selected, {{"n", "3"}, {"total", "3"}}))),
              std::string::npos)
        << localized;
  }
}

TEST_F(ReportTest, UnknownExportsAndConsultationsAreNotFound) {
  EXPECT_EQ(export_consultation(*log_, kId, "report.pdf").code, ExportOutput::Code::kNotFound);
  ExportOutput none = export_consultation(*log_, "nobody", "report.md");
  EXPECT_EQ(none.code, ExportOutput::Code::kNotFound);
  EXPECT_EQ(none.message, "no consultation nobody");
}

// The parts of a .docx, read back with libzip as Word would find them.
std::map<std::string, std::string> unzip(const std::string& bytes) {
  std::map<std::string, std::string> parts;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* archive = source ? zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
  zip_error_fini(&error);
  if (!archive) {
    if (source) zip_source_free(source);
    ADD_FAILURE() << "not a ZIP archive";
    return parts;
  }
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    zip_stat_t st;
    zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &st);
    std::string data(st.size, '\0');
    zip_file_t* f = zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0);
    EXPECT_EQ(zip_fread(f, data.data(), st.size), static_cast<zip_int64_t>(st.size)) << st.name;
    zip_fclose(f);
    parts[st.name] = data;
  }
  zip_close(archive);
  return parts;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = text.find(what, pos)) != std::string::npos; pos += what.size()) ++n;
  return n;
}

TEST_F(ReportTest, DocxIsAWordDocumentWithHeadingStylesTablesAndATableOfContents) {
  const ExportOptions working = options_for(Lang::kEn, Variant::kWorking);
  ExportOutput out = export_consultation(*log_, kId, "report.docx", working);
  ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
  EXPECT_EQ(out.file_name, "kz-2026-seq" + std::to_string(head_.seq) + "-report-en-working.docx");
  EXPECT_EQ(out.content_type, "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
  EXPECT_EQ(export_consultation(*log_, kId, "report.docx", working).body, out.body) << "same log, same bytes";

  auto parts = unzip(out.body);
  for (const char* name : {"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
                           "word/styles.xml", "word/settings.xml", "word/numbering.xml", "word/footnotes.xml",
                           "docProps/core.xml", "docProps/app.xml"}) {
    ASSERT_TRUE(parts.count(name)) << name << " missing from the archive";
  }
  for (const auto& [name, xml] : parts) {
    boost::property_tree::ptree tree;
    std::istringstream in(xml);
    EXPECT_NO_THROW(boost::property_tree::read_xml(in, tree)) << name << " is not well-formed XML";
  }
  const std::string& doc = parts["word/document.xml"];
  const std::string& rels = parts["word/_rels/document.xml.rels"];

  // Word's own heading styles, defined in styles.xml with their outline levels.
  for (int level = 1; level <= 3; ++level) {
    std::string l = std::to_string(level);
    EXPECT_NE(parts["word/styles.xml"].find("w:styleId=\"Heading" + l + "\"><w:name w:val=\"heading " + l + "\"/>"),
              std::string::npos);
  }
  auto heading = [&](int level, const std::string& text) {
    return doc.find("<w:pStyle w:val=\"Heading" + std::to_string(level) + "\"/></w:pPr><w:r><w:t xml:space=\"preserve\">" +
                    text + "</w:t>");
  };
  EXPECT_NE(doc.find("<w:pStyle w:val=\"Title\"/>"), std::string::npos);
  ASSERT_NE(heading(1, "C. Contextual indicators"), std::string::npos);
  EXPECT_LT(heading(1, "C. Contextual indicators"), heading(1, "R. Rights"));
  EXPECT_LT(heading(1, "R. Rights"), heading(1, "X. Cross-cutting indicators"));
  EXPECT_NE(heading(2, "R.A Theme R.A"), std::string::npos);
  EXPECT_NE(heading(3, "R.A.1 Question R.A.1?"), std::string::npos);
  EXPECT_NE(heading(4, "R.1 Legal framework for *freedom* of expression (core)"), std::string::npos);
  EXPECT_NE(heading(5, "Findings (revised)"), std::string::npos) << "a draft's heading sits below its indicator's";
  EXPECT_NE(heading(3, "Civil society"), std::string::npos);

  // The table of contents: a TOC field over levels 1-3 that Word updates on open.
  EXPECT_NE(doc.find("<w:instrText xml:space=\"preserve\"> TOC \\o \"1-3\" \\h"), std::string::npos);
  EXPECT_EQ(count(doc, "w:fldCharType=\"begin\""), count(doc, "w:fldCharType=\"end\""));
  EXPECT_NE(parts["word/settings.xml"].find("<w:updateFields w:val=\"true\"/>"), std::string::npos);

  // The draft's table, header row repeated and bold, alignment kept (the
  // other two are R.1's and C.1's figures).
  EXPECT_EQ(count(doc, "<w:tbl>"), 3u);
  EXPECT_NE(doc.find("<w:tr><w:trPr><w:tblHeader/></w:trPr>"), std::string::npos);
  EXPECT_NE(doc.find("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">Region</w:t></w:r>"), std::string::npos);
  EXPECT_NE(doc.find("<w:jc w:val=\"right\"/></w:pPr><w:r><w:t xml:space=\"preserve\">2.2 million"),
            std::string::npos);
  EXPECT_EQ(doc.find("|---"), std::string::npos);

  // Inline formatting, links (only to the web), a footnote, lists.
  EXPECT_NE(doc.find("<w:rPr><w:strike/></w:rPr><w:t xml:space=\"preserve\">estimate</w:t>"), std::string::npos);
  EXPECT_NE(doc.find("<w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">1.4</w:t>"), std::string::npos);
  EXPECT_NE(rels.find("Target=\"https://stat.gov.kz\" TargetMode=\"External\""), std::string::npos);
  EXPECT_NE(rels.find("Target=\"https://example.org/census\""), std::string::npos);
  EXPECT_NE(rels.find("Target=\"https://tracker.example/pixel.png\""), std::string::npos) << "the image, as a link";
  EXPECT_EQ(rels.find("javascript"), std::string::npos);
  // The draft's three, and the Freedom House link under R.1, C.1 and in the annex.
  EXPECT_EQ(count(doc, "<w:hyperlink "), 6u);
  // The executive summary's footnote comes first, then C.1's.
  EXPECT_NE(doc.find("<w:footnoteReference w:id=\"2\"/>"), std::string::npos);
  EXPECT_NE(parts["word/footnotes.xml"].find("<w:footnote w:id=\"2\">"), std::string::npos);
  EXPECT_NE(parts["word/footnotes.xml"].find("See chapter R."), std::string::npos);
  EXPECT_NE(parts["word/footnotes.xml"].find("table 3."), std::string::npos);
  EXPECT_NE(doc.find("<w:ilvl w:val=\"1\"/>"), std::string::npos) << "the nested list";
  EXPECT_NE(parts["word/numbering.xml"].find("<w:numFmt w:val=\"decimal\"/>"), std::string::npos);

  // Every text from the consultation is escaped; nothing a participant typed is markup.
  EXPECT_NE(doc.find("Astana &lt;city&gt;"), std::string::npos);
  EXPECT_NE(doc.find("see &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more."), std::string::npos);
  EXPECT_NE(doc.find("Елена &lt;b&gt; (member)<"), std::string::npos);
  EXPECT_NE(parts["docProps/core.xml"].find("<dc:title>Kazakhstan 2026 — ROAM-X &lt;national&gt; assessment</dc:title>"),
            std::string::npos);
  EXPECT_EQ(doc.find("<script"), std::string::npos);
}

// The headings (level, text) of a Word document's body in order, and the
// entries of its table of contents' cached text.
std::vector<std::pair<int, std::string>> paragraphs_styled(const std::string& doc, const std::string& style_prefix) {
  std::vector<std::pair<int, std::string>> out;
  const std::string mark = "<w:pStyle w:val=\"" + style_prefix;
  for (std::size_t pos = 0; (pos = doc.find(mark, pos)) != std::string::npos; pos += mark.size()) {
    const std::size_t level_at = pos + mark.size();
    if (!std::isdigit(static_cast<unsigned char>(doc[level_at]))) continue;  // "TOCHeading"
    const std::size_t end = doc.find("</w:p>", pos);
    std::string text;
    for (std::size_t t = doc.find("<w:t xml:space=\"preserve\">", pos); t < end;
         t = doc.find("<w:t xml:space=\"preserve\">", t + 1)) {
      const std::size_t from = t + std::string("<w:t xml:space=\"preserve\">").size();
      text += doc.substr(from, doc.find("</w:t>", from) - from);
    }
    out.emplace_back(doc[level_at] - '0', text);
  }
  return out;
}

TEST_F(ReportTest, DocxSectionsAreWordHeadingsListedInTheTableOfContentsInTheReportsOrder) {
  for (Variant variant : kVariants) {
    SCOPED_TRACE(std::string(variant_name(variant)));
    ExportOutput out = export_consultation(*log_, kId, "report.docx", options_for(Lang::kEn, variant));
    ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
    auto parts = unzip(out.body);
    const std::string& doc = parts["word/document.xml"];
    std::vector<std::pair<int, std::string>> headings;
    for (const auto& h : paragraphs_styled(doc, "Heading")) {
      if (h.first <= 3) headings.push_back(h);
    }
    const std::vector<std::pair<int, std::string>> toc = paragraphs_styled(doc, "TOC");
    EXPECT_EQ(toc, headings) << "the TOC's cached text lists every heading of levels 1-3, in order";
    std::vector<std::pair<int, std::string>> expected;
    if (variant == Variant::kWorking) {
      expected = {{1, "Foreword"},        {1, "Acknowledgements"},       {1, "Executive summary"},
                  {2, "Key findings"},    {1, "Introduction"},           {1, "Methodology"},
                  {2, "The advisory board"}, {2, "The research team"},   {1, "Limitations"},
                  {1, "C. Contextual indicators"}};
    } else {
      expected = {{1, "Executive summary"}, {2, "Key findings"}, {1, "Methodology"}, {2, "The advisory board"},
                  {2, "The research team"}, {1, "C. Contextual indicators"}};
    }
    ASSERT_GE(headings.size(), expected.size());
    EXPECT_EQ(std::vector(headings.begin(), headings.begin() + static_cast<std::ptrdiff_t>(expected.size())),
              expected);
    std::vector<std::pair<int, std::string>> tail(headings.end() - (variant == Variant::kWorking ? 5 : 3),
                                                  headings.end());
    if (variant == Variant::kWorking) {
      EXPECT_EQ(tail, (std::vector<std::pair<int, std::string>>{
                          {1, "Conclusions"}, {1, "Annexes"}, {1, "References"}, {1, "Participants"},
                          {1, "About this report"}}));
    } else {
      EXPECT_EQ(tail, (std::vector<std::pair<int, std::string>>{
                          {1, "Conclusions"}, {1, "References"}, {1, "About this report"}}));
    }
    // The section's text is Word text, its Markdown rendered: emphasis, a list, a footnote.
    EXPECT_NE(doc.find("<w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">largely</w:t>"), std::string::npos);
    EXPECT_NE(doc.find("<w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">three</w:t>"), std::string::npos);
    EXPECT_NE(parts["word/footnotes.xml"].find("See chapter R."), std::string::npos);
    EXPECT_NE(doc.find("Desk research, interviews and board meetings, following UNESCO's "), std::string::npos);
    EXPECT_NE(doc.find("&lt;ROAM-X&gt;"), std::string::npos) << "raw HTML in a section stays text";
  }
}

TEST(DocxWriterTest, ControlCharactersAndHostileMarkdownStayWellFormed) {
  DocxWriter w;
  w.heading(1, "Bell\x07 & <tag>");
  w.markdown("A\x01" "B <w:p> ]]> &amp; [x](javascript:alert(1)) [y](HTTPS://ok.example) [^n]\n\n"
             "| a |\n|---|\n| 1 |\n| 2 | 3 |\n\n- \n\n> quote\n\n```\n<code>\n```\n\n[^n]: [in a note](http://n.example)\n",
             4);
  auto parts = w.parts(DocxMeta{"t", "ru-RU", 0});
  for (const auto& [name, xml] : parts) {
    boost::property_tree::ptree tree;
    std::istringstream in(xml);
    EXPECT_NO_THROW(boost::property_tree::read_xml(in, tree)) << name << "\n" << xml;
  }
  std::map<std::string, std::string> by_name(parts.begin(), parts.end());
  const std::string& doc = by_name["word/document.xml"];
  EXPECT_NE(doc.find("Bell &amp; &lt;tag&gt;"), std::string::npos) << doc;
  // The script link keeps its text, unlinked.
  EXPECT_NE(doc.find("AB &lt;w:p&gt; ]]&gt; &amp; </w:t></w:r><w:r><w:t xml:space=\"preserve\">x</w:t></w:r>"),
            std::string::npos)
      << doc;
  EXPECT_EQ(count(doc, "<w:hyperlink "), 1u);
  EXPECT_NE(by_name["word/_rels/document.xml.rels"].find("Target=\"HTTPS://ok.example\""), std::string::npos);
  // A link inside a footnote is a relationship of the footnotes part.
  EXPECT_NE(by_name["word/_rels/footnotes.xml.rels"].find("Target=\"http://n.example\""), std::string::npos);
  EXPECT_NE(by_name["word/styles.xml"].find("<w:lang w:val=\"ru-RU\"/>"), std::string::npos);
  // Packed and read back: the same parts.
  DocxResult packed = w.package(DocxMeta{"t", "ru-RU", 0});
  ASSERT_TRUE(packed.ok) << packed.message;
  auto unpacked = unzip(packed.bytes);
  EXPECT_EQ(unpacked, by_name);
}

TEST_F(ReportTest, TheReportInRussianAndKazakhLeavesNoEnglishLabel) {
  struct Case {
    Lang lang;
    const char* code;
    const char* date;
    std::vector<const char*> both;         // in the publication and the working copy
    std::vector<const char*> working;      // in the working copy only
    std::vector<const char*> publication;  // in the publication only
  };
  const std::vector<Case> cases = {
      {Lang::kRu, "ru", "1 января 2026 г., 09:",
       {"Содержание", "Резюме", "Методология", "Консультативный совет", "Исследовательская группа",
        "Aigerim (руководитель исследования)", "Заключение", "Рекомендации по политике (R)", "Гражданское общество",
        "основной", "Использованные источники данных", "Оговорки:", "Об этом отчёте", "Список источников",
        "Статистические данные", "Показатель", "дата обращения: 1 декабря 2026 г."},
       {"Статус", "Утверждён консультативным советом 1 января 2026 г. (голосование poll-1, версия черновика 3): за 2, "
        "с оговорками 1, против 0, воздержались 0.",
        "После этого черновик изменился (версия 4).", "нужна доработка", "Участники", "председатель", "не указан",
        "группы менее 3 человек", "Предисловие", "(ещё не написано)"},
       {"Утверждён консультативным советом 1 января 2026 г.: за 1, с оговорками 2, против 0, воздержались 0.",
        "После утверждения текст изменился."}},
      {Lang::kKk, "kk", "2026 жылғы 1 қаңтар, 09:",
       {"Мазмұны", "Түйіндеме", "Әдістеме", "Консультативтік кеңес", "Зерттеу тобы", "Aigerim (зерттеу жетекшісі)",
        "Қорытынды", "Саясат бойынша ұсынымдар (R)", "Азаматтық қоғам", "негізгі", "Пайдаланылған дереккөздер",
        "Ескертпелер:", "Осы есеп туралы", "Дереккөздер тізімі", "Статистикалық деректер", "Көрсеткіш",
        "қаралған күні: 2026 жылғы 1 желтоқсан"},
       {"Мәртебе", "Консультативтік кеңес бекіткен (2026 жылғы 1 қаңтар, poll-1 дауыс беруі, жобаның 3 нұсқасы): "
        "келісемін 2, ескертпемен 1, келіспеймін 0, қалыс 0.",
        "Содан кейін жоба өзгерді (4 нұсқа).", "пысықтау қажет", "Қатысушылар", "төраға", "көрсетілмеген",
        "3 адамнан аз топтар", "Алғысөз", "(әлі жазылмаған)"},
       {"Консультативтік кеңес бекіткен (2026 жылғы 1 қаңтар): келісемін 1, ескертпемен 2, келіспеймін 0, қалыс 0.",
        "Бекітілгеннен кейін мәтін өзгерді."}},
  };
  for (const Case& c : cases) {
    for (Variant variant : kVariants) {
      std::map<std::string, std::string> bodies;
      for (const char* name : {"report.md", "report.html", "report.docx"}) {
        ExportOutput out = export_consultation(*log_, kId, name, options_for(c.lang, variant));
        ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
        if (std::string(name) == "report.docx") {
          auto parts = unzip(out.body);
          EXPECT_NE(parts["word/styles.xml"].find(std::string("<w:lang w:val=\"") + c.code), std::string::npos);
          bodies[name] = docx_text(parts["word/document.xml"]);
        } else {
          bodies[name] = out.body;
        }
      }
      EXPECT_NE(bodies["report.html"].find(std::string("<html lang=\"") + c.code + "\">"), std::string::npos);
      for (const auto& [name, body] : bodies) {
        const std::string where = std::string(c.code) + " " + std::string(variant_name(variant)) + " " + name;
        EXPECT_NE(body.find(c.date), std::string::npos) << where;
        for (const char* word : c.both) EXPECT_NE(body.find(word), std::string::npos) << where << ": " << word;
        for (const char* word : c.working) {
          EXPECT_EQ(body.find(word) != std::string::npos, variant == Variant::kWorking) << where << ": " << word;
        }
        for (const char* word : c.publication) {
          EXPECT_EQ(body.find(word) != std::string::npos, variant == Variant::kPublication) << where << ": " << word;
        }
        // ("Status quo" is in a draft: what people wrote stays as written.)
        for (const char* english : {"Contents", "Status:", "<dt>Status", "Validation", "Participants", "Scope",
                                    "Drafted", "validated", "Validated", "Government", "Civil society", "chair",
                                    "Policy recommendations", "No draft", "not given", "About this report", "January",
                                    "Back to content", "groups under 3", "Executive summary", "Methodology",
                                    "advisory board", "research team", "research lead", "not written yet",
                                    "Conclusions", "Reservations", "Data sources used"}) {
          EXPECT_EQ(body.find(english), std::string::npos) << where << " still says " << english;
        }
      }
    }
  }
}

TEST(DocxWriterTest, AnyMarkdownGivesWellFormedPartsAndAnImageInALinkIsNoLinkInALink) {
  // Drafts are arbitrary text: pieces of every construct, shuffled.
  const std::vector<std::string> pieces = {
      "# ", "## ", "> ", "- ", "1. ", "   ", "\n", "\n\n", "| a | b |\n|---|---|\n| c | d |\n", "```\n", "`", "*",
      "**", "~~", "_", "[x](http://a.example)", "[y](javascript:z)", "![i](http://i.example/p.png)", "[^1]",
      "[^1]: note ", "<b>", "</div>", "&amp;", "&", "<", "]]>", "\x01", "\t", "Қазақ", "www.example.org", "---\n",
      "[![i](http://i.example)](http://l.example)", "    code\n", "\\", "|"};
  uint32_t state = 12345;
  auto next = [&] { return state = state * 1664525u + 1013904223u; };
  for (int round = 0; round < 300; ++round) {
    std::string text;
    for (int k = static_cast<int>(next() % 40); k > 0; --k) text += pieces[next() % pieces.size()];
    DocxWriter w;
    w.markdown(text, static_cast<int>(next() % 6));
    for (const auto& [name, xml] : w.parts(DocxMeta{})) {
      boost::property_tree::ptree tree;
      std::istringstream in(xml);
      ASSERT_NO_THROW(boost::property_tree::read_xml(in, tree)) << name << " from draft:\n" << text;
      if (name == "word/document.xml") {
        // Word refuses a hyperlink inside a hyperlink.
        int depth = 0;
        for (std::size_t pos = 0; (pos = xml.find("hyperlink", pos)) != std::string::npos; pos += 9) {
          if (xml.compare(pos - 3, 3, "<w:") == 0) {
            ASSERT_EQ(++depth, 1) << text;
          }
          if (xml.compare(pos - 4, 4, "</w:") == 0) --depth;
        }
      }
    }
    std::string html = MarkdownDocument(text, 0).html("p-");
    EXPECT_EQ(html.find("<img"), std::string::npos) << text;
    EXPECT_EQ(html.find("<b>"), std::string::npos) << text;
  }
  std::string nested = MarkdownDocument("[![logo](http://i.example/l.png)](http://l.example)", 0).html("p-");
  EXPECT_EQ(nested, "<p><a href=\"http://l.example\">logo</a></p>\n");
}

TEST(ReportLanguage, CodesDatesAndPatterns) {
  EXPECT_EQ(parse_lang("ru"), Lang::kRu);
  EXPECT_EQ(parse_lang("KK-kz"), Lang::kKk);
  EXPECT_EQ(parse_lang("en_GB"), Lang::kEn);
  EXPECT_EQ(parse_lang("fr"), std::nullopt);
  EXPECT_EQ(parse_lang(""), std::nullopt);
  EXPECT_EQ(parse_lang("english"), std::nullopt);
  // 2024-02-29 23:59:59 UTC
  EXPECT_EQ(format_date_time(1709251199000, Lang::kEn), "29 February 2024, 23:59 UTC");
  EXPECT_EQ(format_date_time(1709251199000, Lang::kRu), "29 февраля 2024 г., 23:59 UTC");
  EXPECT_EQ(format_date_time(1709251199000, Lang::kKk), "2024 жылғы 29 ақпан, 23:59 UTC");
  EXPECT_EQ(format_date(1709251199000, Lang::kEn), "29 February 2024");
  EXPECT_EQ(format_date(1709251199000, Lang::kRu), "29 февраля 2024 г.");
  EXPECT_EQ(format_date(1709251199000, Lang::kKk), "2024 жылғы 29 ақпан");
  EXPECT_EQ(fill("{a} and {b}, {unknown} {a}", {{"a", "1"}, {"b", "{a}"}}), "1 and {a}, {unknown} 1");
  EXPECT_EQ(fill("no braces {", {}), "no braces {");
  EXPECT_EQ(status_name(v1::INDICATOR_STATUS_UNSPECIFIED, Lang::kRu), "не начат");
  EXPECT_EQ(group_name(v1::STAKEHOLDER_GROUP_UNSPECIFIED, Lang::kKk), "Көрсетілмеген");
}

TEST_F(ReportTest, ExportAccessFollowsTheLogNotTheToken) {
  LoadedConsultation loaded = load_consultation(*log_, kId);
  ASSERT_EQ(loaded.error, "");
  std::string consultation = kId;
  consultation::Invitation claims;
  claims.participant_id = "observer";
  claims.display_name = "Saule";
  claims.role = v1::ROLE_OBSERVER;
  EXPECT_EQ(check_export_access(loaded.state, consultation, claims), ExportAccess::kAllowed);
  claims.participant_id = "member-2";  // revoked in the log
  claims.role = v1::ROLE_MEMBER;
  EXPECT_EQ(check_export_access(loaded.state, consultation, claims), ExportAccess::kRevoked);
  claims.participant_id = "newcomer";  // not in the log yet: the token's role
  EXPECT_EQ(check_export_access(loaded.state, consultation, claims), ExportAccess::kAllowed);
  claims.role = v1::ROLE_UNSPECIFIED;
  EXPECT_EQ(check_export_access(loaded.state, consultation, claims), ExportAccess::kRoleRefused);
  consultation = "demo";
  EXPECT_EQ(check_export_access(loaded.state, consultation, claims), ExportAccess::kOtherConsultation);
}

TEST_F(ReportTest, EditsBetweenTwoRecordsAreDiffsOfTheTextsTheLogHeldThen) {
  // Records 11 and 12: the second edit of R.1 and the first of C.1.
  DocumentChanges changes = changes_between(*log_, kId, 10, 12);
  ASSERT_EQ(changes.error, "");
  ASSERT_EQ(changes.changes.size(), 2u);
  EXPECT_EQ(changes.changes[0].doc_id, "indicator/C.1");
  EXPECT_EQ(changes.changes[0].from_version, 0u);
  EXPECT_EQ(changes.changes[0].to_version, 1u);
  EXPECT_EQ(changes.changes[1].doc_id, "indicator/R.1");
  EXPECT_EQ(changes.changes[1].from_version, 1u);
  EXPECT_EQ(changes.changes[1].to_version, 2u);

  LoadedConsultation loaded = load_consultation(*log_, kId);
  auto edits = minutes_edits(changes, loaded.state);
  ASSERT_EQ(edits.size(), 2u);
  EXPECT_EQ(edits[1].subject.id, "R.1");
  EXPECT_EQ(edits[1].subject.title, "Legal framework for *freedom* of expression");
  EXPECT_EQ(edits[1].authors, std::vector<std::string>{"Daniyar"});
  // What changed, as passages (passage_diff.h): the heading, " (revised)" added.
  ASSERT_EQ(edits[1].changes.passages.size(), 1u);
  EXPECT_EQ(edits[1].changes.passages[0].kind, Passage::Kind::kChanged);
  EXPECT_EQ(edits[1].changes.passages[0].after.back().text, " (revised)");
  ASSERT_FALSE(edits[0].changes.passages.empty());
  EXPECT_EQ(edits[0].changes.passages[0].kind, Passage::Kind::kAdded);
  EXPECT_EQ(edits[0].changes.passages[0].after[0].text, "Population: 20 million (2025).");

  // Nothing in the range: no change; a range past the head ends at the head.
  EXPECT_TRUE(changes_between(*log_, kId, 13, 13).changes.empty());
  EXPECT_EQ(changes_between(*log_, kId, 12, 15).changes.size(), 2u);  // the two recommendations
}

TEST_F(ReportTest, TheWorkingCopyShowsStatusSourcesAssigneesScoreAndTheValidationResult) {
  ExportOutput out = export_consultation(*log_, kId, "report.md", options_for(Lang::kEn, Variant::kWorking));
  ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
  EXPECT_NE(out.body.find("- Status: validated\n- Assigned to: Daniyar\n"), std::string::npos) << out.body;
  EXPECT_NE(out.body.find("- Score: 3\n"), std::string::npos) << out.body;
  EXPECT_NE(out.body.find("- Data sources used: Constitution (1995); Supreme Court rulings\n"), std::string::npos);
  EXPECT_NE(out.body.find("- Validation: Validated on 1 January 2026 by the advisory board (poll-1, draft version 3): 2 "
                          "agree, 1 agree with reservations, 0 disagree, 0 abstain. The draft changed since (version 4)."),
            std::string::npos)
      << out.body;
  EXPECT_NE(out.body.find("- Status: needs revision\n"), std::string::npos);
}

std::string docx_text(const std::string& document_xml);

TEST_F(ReportTest, AValidationPollsDateCountsAndReservationsAreInEveryFormatAndLanguage) {
  // A named validation poll of R.1 on 12 March 2026: two of its
  // ballots agree with reservations, one of which is hostile to HTML.
  int64_t t = 1773309600000;  // 2026-03-12 10:00:00 UTC
  auto rec = [&](const std::string& author) {
    v1::LogRecord r;
    r.set_author(author);
    r.set_time_unix_ms(t);
    t += 60000;
    return r;
  };
  std::vector<v1::LogRecord> records;
  {
    auto r = rec("chair");
    auto* def = r.mutable_poll_created()->mutable_definition();
    r.mutable_poll_created()->set_poll_id("poll-3");
    def->set_kind(v1::POLL_KIND_AGREEMENT);
    def->set_question("R.1 describes the legal framework accurately");
    def->add_eligible_roles(v1::ROLE_MEMBER);
    def->set_target_indicator_id("R.1");
    def->set_target_version(4);
    records.push_back(r);
    auto o = rec("chair");
    o.mutable_poll_opened()->set_poll_id("poll-3");
    records.push_back(o);
  }
  auto vote = [&](const char* who, uint32_t choice, const char* reservation) {
    auto r = rec(who);
    auto* v = r.mutable_vote_cast();
    v->set_poll_id("poll-3");
    v->add_choices(choice);
    v->set_voter_role(v1::ROLE_MEMBER);
    v->set_reservation(reservation);
    records.push_back(r);
  };
  vote("member-1", 1, "Cite the 2024 <amendments> & rulings");
  vote("member-3", 0, "");
  vote("member-4", 1, "Name the courts");
  {
    auto r = rec("chair");
    r.mutable_poll_closed()->set_poll_id("poll-3");
    r.mutable_poll_closed()->set_eligible(3);
    records.push_back(r);
  }
  for (auto& r : records) {
    auto appended = log_->append(kId, {storage::Entry{r.SerializeAsString(), std::nullopt}});
    ASSERT_TRUE(appended.ok()) << appended.status().to_string();
  }

  // The working copy names the poll and the draft version; the
  // publication says neither.
  struct Case {
    Lang lang;
    Variant variant;
    std::string sentence, reservations;
  };
  const std::vector<Case> cases = {
      {Lang::kEn, Variant::kWorking,
       "Validated on 12 March 2026 by the advisory board (poll-3, draft version 4): 1 agree, 2 agree with "
       "reservations, 0 disagree, 0 abstain.",
       "Reservations:"},
      {Lang::kRu, Variant::kWorking,
       "Утверждён консультативным советом 12 марта 2026 г. (голосование poll-3, версия черновика 4): за 1, с "
       "оговорками 2, против 0, воздержались 0.",
       "Оговорки:"},
      {Lang::kEn, Variant::kPublication,
       "Validated by the advisory board on 12 March 2026: 1 agree, 2 agree with reservations, 0 disagree, 0 abstain.",
       "Reservations:"},
      {Lang::kKk, Variant::kPublication,
       "Консультативтік кеңес бекіткен (2026 жылғы 12 наурыз): келісемін 1, ескертпемен 2, келіспеймін 0, қалыс 0.",
       "Ескертпелер:"},
  };
  for (const Case& c : cases) {
    const ExportOptions options = options_for(c.lang, c.variant);
    for (const char* name : {"report.md", "report.html", "report.docx"}) {
      ExportOutput out = export_consultation(*log_, kId, name, options);
      ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
      std::string body = out.body;
      std::string hostile = "Елена <b>: Cite the 2024 <amendments> & rulings";
      if (std::string(name) == "report.md") {
        hostile = "Елена \\<b\\>: Cite the 2024 \\<amendments\\> & rulings";
      } else if (std::string(name) == "report.html") {
        hostile = "<li>Елена &lt;b&gt;: Cite the 2024 &lt;amendments&gt; &amp; rulings</li>";
        EXPECT_EQ(body.find("<amendments>"), std::string::npos) << "unescaped in HTML";
      } else {
        body = docx_text(unzip(out.body)["word/document.xml"]);
        hostile = "Елена &lt;b&gt;: Cite the 2024 &lt;amendments&gt; &amp; rulings";
      }
      EXPECT_NE(body.find(c.sentence), std::string::npos) << name << "\n" << body;
      EXPECT_EQ(body.find("poll-3") != std::string::npos, c.variant == Variant::kWorking) << name;
      EXPECT_NE(body.find(c.reservations), std::string::npos) << name;
      EXPECT_NE(body.find(hostile), std::string::npos) << name << "\n" << body;
      EXPECT_NE(body.find("Dana: Name the courts"), std::string::npos) << name;
      EXPECT_EQ(body.find("Arman:"), std::string::npos) << name << ": only reservations are listed";
    }
  }
}

TEST_F(ReportTest, MinutesOfAMeetingBuiltFromTheLogMatchTheGoldenFiles) {
  for (const char* ext : {"md", "html"}) {
    ExportOutput out = export_consultation(*log_, kId, std::string("minutes/meeting-1.") + ext);
    ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
    EXPECT_EQ(out.file_name, "kz-2026-seq" + std::to_string(head_.seq) + "-minutes-meeting-1." + ext);
    expect_golden(std::string("minutes-from-log.") + ext, out.body);
  }
  std::string md = export_consultation(*log_, kId, "minutes/meeting-1.md").body;
  EXPECT_NE(md.find("- *Added:* Status quo: agreed.\n"), std::string::npos) << md;
  EXPECT_NE(md.find("R.1 Legal framework for \\*freedom\\* of expression validated by the board's vote (poll-1) at "
                    "draft version 3."),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("R.2 Access to information moved to “needs revision” by Aigerim."), std::string::npos) << md;
  EXPECT_EQ(md.find("Update: pending"), std::string::npos) << "an edit after the meeting is not in its minutes";
  EXPECT_EQ(export_consultation(*log_, kId, "minutes/meeting-9.md").code, ExportOutput::Code::kNotFound);
}

TEST_F(ReportTest, TheVotesCsvOfAnAnonymousPollNamesNoVoter) {
  ExportOutput out = export_consultation(*log_, kId, "votes.csv");
  ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
  EXPECT_EQ(out.content_type, "text/csv; charset=utf-8");
  expect_golden("votes-from-log.csv", out.body);
  // poll-1 was anonymous (poll-2, named, lists its voters).
  std::string anonymous;
  for (std::size_t pos = 0; (pos = out.body.find("\npoll-1,", pos)) != std::string::npos; ++pos) {
    anonymous += out.body.substr(pos, out.body.find('\n', pos + 1) - pos);
  }
  EXPECT_EQ(count(anonymous, "\npoll-1,"), 3u) << out.body;
  for (const char* leak : {"Елена", "Arman", "Dana", "member-", "academia", "Academia", "woman", "UTC"}) {
    EXPECT_EQ(anonymous.find(leak), std::string::npos) << leak << " in\n" << anonymous;
  }
  EXPECT_NE(out.body.find("poll-2,C.1 describes the population accurately,agreement,no,Arman,"), std::string::npos);
}

// The text of a Word document's runs, without the markup.
std::string docx_text(const std::string& document_xml) {
  std::string out;
  bool in_tag = false;
  for (char c : document_xml) {
    if (c == '<') {
      in_tag = true;
      out += ' ';
    } else if (c == '>') {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return out;
}

TEST(ReportCounts, CellsUnder3AreMergedAndTheSmallestShownJoinsABucketOf1Or2) {
  using Cells = std::vector<CountCell>;
  auto text = [](const Cells& cells) {
    std::string out;
    for (const auto& c : cells) {
      out += (out.empty() ? "" : "; ") + (c.merged ? "*" : c.label) + " " + std::to_string(c.people);
    }
    return out;
  };
  EXPECT_EQ(text(k_anonymous_cells({{"a", 4}, {"b", 3}, {"c", 5}})), "a 4; b 3; c 5");
  EXPECT_EQ(text(k_anonymous_cells({{"a", 4}, {"b", 1}, {"c", 2}, {"d", 3}})), "a 4; d 3; * 3");
  // A bucket of 1 or 2 takes the smallest shown cell (the first among equals).
  EXPECT_EQ(text(k_anonymous_cells({{"a", 4}, {"b", 3}, {"c", 1}, {"d", 3}})), "a 4; d 3; * 4");
  EXPECT_EQ(text(k_anonymous_cells({{"a", 3}, {"b", 2}})), "* 5");
  EXPECT_EQ(text(k_anonymous_cells({{"a", 1}, {"b", 1}, {"c", 1}})), "* 3");
  // Fewer than 3 in all: nothing may be shown.
  EXPECT_TRUE(k_anonymous_cells({{"a", 1}, {"b", 1}}).empty());
  EXPECT_TRUE(k_anonymous_cells({{"a", 2}}).empty());
  EXPECT_TRUE(k_anonymous_cells({}).empty());
}

TEST_F(ReportTest, ParticipantsGroupsAndGendersAreShownOnlyAsCountsOfAtLeast3) {
  // One more member from the government: groups are then government 3,
  // academia 1, civil society 1, not given 2; genders woman 3, man 2, not
  // given 2.
  auto append = [&](const std::function<void(v1::LogRecord&)>& fill_in) {
    v1::LogRecord r;
    r.set_time_unix_ms(kStart + 3600000);
    fill_in(r);
    ASSERT_TRUE(log_->append(kId, {storage::Entry{r.SerializeAsString(), std::nullopt}}).ok());
  };
  append([](v1::LogRecord& r) {
    r.set_author("chair");
    r.mutable_participant_invited()->set_participant_id("member-5");
    r.mutable_participant_invited()->set_display_name("Bolat");
    r.mutable_participant_invited()->set_role(v1::ROLE_MEMBER);
  });
  append([](v1::LogRecord& r) {
    r.set_author("member-5");
    r.mutable_profile_updated()->set_stakeholder_group(v1::STAKEHOLDER_GROUP_GOVERNMENT);
    r.mutable_profile_updated()->set_gender("man");
  });
  for (Lang lang : {Lang::kEn, Lang::kRu, Lang::kKk}) {
    const ReportWords& w = report_words(lang);
    for (const char* name : {"report.md", "report.html", "report.docx"}) {
      // The publication names the board and the team, and counts nobody.
      ExportOutput published = export_consultation(*log_, kId, name, options_for(lang, Variant::kPublication));
      ASSERT_EQ(published.code, ExportOutput::Code::kOk) << published.message;
      const std::string published_text = std::string(name) == "report.docx"
                                             ? docx_text(unzip(published.body)["word/document.xml"])
                                             : published.body;
      for (const char* absent : {w.participants, w.by_group, w.by_gender, w.groups_under_3}) {
        EXPECT_EQ(published_text.find(absent), std::string::npos) << name << " publication: " << absent;
      }
      ExportOutput out = export_consultation(*log_, kId, name, options_for(lang, Variant::kWorking));
      ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
      std::string body = std::string(name) == "report.docx" ? docx_text(unzip(out.body)["word/document.xml"]) : out.body;
      // The chapter itself (the last mention of its title, past the contents).
      std::size_t from = body.rfind(w.participants), to = body.rfind(w.about);
      ASSERT_NE(from, std::string::npos);
      ASSERT_NE(to, std::string::npos);
      ASSERT_LT(from, to);
      std::string section = body.substr(from, to - from);
      std::string where = std::string(lang_code(lang)) + " " + name + ":\n" + section;
      EXPECT_NE(section.find("Bolat (" + role_name(v1::ROLE_MEMBER, lang) + ")"), std::string::npos) << where;
      EXPECT_NE(section.find(group_name(v1::STAKEHOLDER_GROUP_GOVERNMENT, lang) + " 3; " + w.groups_under_3 + " 4."),
                std::string::npos)
          << where;
      EXPECT_NE(section.find(std::string("woman 3; ") + w.groups_under_3 + " 4."), std::string::npos) << where;
      for (auto small : {v1::STAKEHOLDER_GROUP_ACADEMIA, v1::STAKEHOLDER_GROUP_CIVIL_SOCIETY,
                         v1::STAKEHOLDER_GROUP_UNSPECIFIED}) {
        EXPECT_EQ(section.find(group_name(small, lang)), std::string::npos) << where;
      }
      EXPECT_EQ(section.find(w.not_given), std::string::npos) << where;
      EXPECT_EQ(section.find(" man"), std::string::npos) << where;
      for (const char* small_count : {" 1;", " 1.", " 2;", " 2."}) {
        EXPECT_EQ(section.find(small_count), std::string::npos) << small_count << " in " << where;
      }
    }
  }
}

// One Markdown file holds every draft: each draft's footnotes keep to it.
TEST_F(ReportTest, EachDraftsFootnotesStayItsOwnInTheMarkdownReport) {
  for (Variant variant : kVariants) {
    ExportOutput out = export_consultation(*log_, kId, "report.md", options_for(Lang::kEn, variant));
    ASSERT_EQ(out.code, ExportOutput::Code::kOk) << out.message;
    EXPECT_NE(out.body.find("rights lag[^sec-executive-summary-1]"), std::string::npos) << out.body;
    EXPECT_NE(out.body.find("[^sec-executive-summary-1]: See chapter R."), std::string::npos);
    EXPECT_NE(out.body.find("[^ind-C.1-1]: Census *2021*, table 3."), std::string::npos);
    // Read back as Markdown, the report has both notes.
    std::string html = MarkdownDocument(out.body).html("");
    EXPECT_NE(html.find("See chapter R."), std::string::npos) << html;
    EXPECT_NE(html.find("Census <em>2021</em>, table 3."), std::string::npos) << html;
  }
}

TEST(ReportRender, FootnoteLabelsAreRenamedOnlyWhereTheyAreFootnotes) {
  ReportData d;
  d.consultation_id = "c";
  d.title = "T";
  d.front_matter = {{"foreword", "A[^n] `[^n]` ``x [^n] x`` [^undefined] [^ n]\n\n```\n[^n]\n```\n\n[^N]: note\n"}};
  std::string md = render_report_markdown(d, Lang::kEn, Variant::kPublication);
  EXPECT_NE(md.find("## Foreword\n\nA[^sec-foreword-n] `[^n]` ``x [^n] x`` [^undefined] [^ n]\n\n```\n[^n]\n```\n\n"
                    "[^sec-foreword-N]: note\n"),
            std::string::npos)
      << md;
}

TEST(ReportRender, ABoardOfFewerThan3ShowsNoGroupOrGenderCount) {
  ReportData d;
  d.consultation_id = "small";
  d.title = "Small";
  d.participants = {{"Aigerim", v1::ROLE_CHAIR}, {"Dana", v1::ROLE_MEMBER}};
  d.by_group = {{v1::STAKEHOLDER_GROUP_GOVERNMENT, 2}};
  d.by_gender = {{"woman", 2}};
  for (Lang lang : {Lang::kEn, Lang::kRu, Lang::kKk}) {
    const ReportWords& w = report_words(lang);
    DocxResult docx = render_report_docx(d, lang, Variant::kWorking);
    ASSERT_TRUE(docx.ok) << docx.message;
    for (const std::string& body : {render_report_markdown(d, lang, Variant::kWorking),
                                    render_report_html(d, lang, Variant::kWorking),
                                    docx_text(unzip(docx.bytes)["word/document.xml"])}) {
      EXPECT_EQ(count(body, std::string(w.by_group) + " " + w.not_shown_under_3 + "."), 1u) << body;
      EXPECT_EQ(count(body, std::string(w.by_gender) + " " + w.not_shown_under_3 + "."), 1u) << body;
      EXPECT_EQ(body.find(group_name(v1::STAKEHOLDER_GROUP_GOVERNMENT, lang)), std::string::npos) << body;
      EXPECT_EQ(body.find("woman"), std::string::npos) << body;
    }
  }
}

}  // namespace
}  // namespace kenes::report
