#include "replay/report/minutes.h"

#include <algorithm>
#include <map>

#include "consultation/csv.h"
#include "replay/report/report_render.h"

namespace kenes::report {

using consultation::csv_field;

namespace {

// One privacy rule everywhere (issue 18): a count of people by group or by
// gender is shown only where at least 3 are counted. Smaller cells are summed
// into "groups under 3 people"; if that sum is itself 1 or 2, the smallest
// shown cell joins it (as the polls' breakdowns do, engine/poll.cc), and if
// nothing is left to show the whole breakdown is withheld.
constexpr std::size_t kMinCounted = 3;

std::string k_anonymous(std::vector<std::pair<std::string, std::size_t>> cells) {
  std::vector<std::pair<std::string, std::size_t>> shown;
  std::size_t merged = 0;
  for (auto& c : cells) {
    if (c.second < kMinCounted) {
      merged += c.second;
    } else {
      shown.push_back(std::move(c));
    }
  }
  if (merged > 0 && merged < kMinCounted) {
    if (shown.empty()) return "not shown (fewer than 3 people)";
    auto smallest = std::min_element(shown.begin(), shown.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
    merged += smallest->second;
    shown.erase(smallest);
  }
  std::string out;
  for (const auto& [label, n] : shown) out += (out.empty() ? "" : "; ") + label + " " + std::to_string(n);
  if (merged > 0) out += (out.empty() ? "" : "; ") + std::string("groups under 3 people ") + std::to_string(merged);
  return out.empty() ? "none" : out;
}

std::string attendance_counts(const MinutesData& d, bool html) {
  std::map<kenes::v1::StakeholderGroup, std::size_t> by_group;
  std::map<std::string, std::size_t> by_gender;
  std::map<std::string, bool> counted;
  for (const auto& a : d.attendance) {
    if (counted[a.name]) continue;  // one person joining twice counts once
    counted[a.name] = true;
    ++by_group[a.group];
    ++by_gender[a.gender];
  }
  auto esc = [&](const std::string& s) { return html ? html_escape(s) : markdown_inline(s); };
  std::vector<std::pair<std::string, std::size_t>> groups, genders;
  for (auto g : stakeholder_groups()) {
    if (auto it = by_group.find(g); it != by_group.end()) groups.emplace_back(stakeholder_group_title(g), it->second);
  }
  if (auto it = by_group.find(kenes::v1::STAKEHOLDER_GROUP_UNSPECIFIED); it != by_group.end()) {
    groups.emplace_back("Not given", it->second);
  }
  for (const auto& [g, n] : by_gender) genders.emplace_back(g.empty() ? std::string("not given") : esc(g), n);
  std::string people = std::to_string(counted.size()) + (counted.size() == 1 ? " person" : " people");
  return people + ". By stakeholder group: " + k_anonymous(std::move(groups)) +
         ". By gender: " + k_anonymous(std::move(genders)) + ".";
}

// "Board: present A, B; excused C; absent none." (issue 18), or "".
std::string board_line(const MinutesData& d, bool html) {
  if (d.board_present.empty() && d.board_excused.empty() && d.board_absent.empty()) return "";
  auto list = [&](const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + (html ? html_escape(n) : markdown_inline(n));
    return out.empty() ? std::string("none") : out;
  };
  return "Board: present " + list(d.board_present) + "; excused " + list(d.board_excused) + "; absent " +
         list(d.board_absent) + ".";
}

std::string when(const std::optional<int64_t>& t) { return t ? format_utc(*t) : std::string("still running"); }

}  // namespace

std::string render_minutes_markdown(const MinutesData& d) {
  std::string md;
  md += "# Minutes: " + markdown_inline(d.meeting_title.empty() ? d.meeting_id : d.meeting_title) + "\n\n";
  md += markdown_inline(d.consultation_title) + ", meeting " + markdown_inline(d.meeting_id) + ", chaired by " +
        markdown_inline(d.chair) + ". Started " + format_utc(d.started_at_unix_ms) + ", ended " +
        when(d.ended_at_unix_ms) + ".\n\n";
  md += "> " + markdown_inline(head_sentence(d.consultation_id, d.head)) + "  \n";
  md += "> Check it: `" + verify_command(d.consultation_id, d.head) + "`\n\n";

  md += "## Attendance\n\n" + attendance_counts(d, false) + "\n\n";
  if (std::string board = board_line(d, false); !board.empty()) md += board + "\n\n";
  for (const auto& a : d.attendance) {
    // The role, not the group: a person's group and gender are shown only as
    // counts (attendance_counts).
    md += "- " + markdown_inline(a.name) + " (" + role_label(a.role) + "): " + format_utc(a.joined_at_unix_ms) + " to " +
          (a.left_at_unix_ms ? format_utc(*a.left_at_unix_ms) : std::string("the end")) + "\n";
  }
  if (!d.attendance.empty()) md += "\n";

  md += "## Agenda and indicators discussed\n\n";
  if (d.agenda.empty()) md += "*No agenda.*\n";
  for (const auto& a : d.agenda) md += "- " + markdown_inline(a) + "\n";
  md += "\n";
  if (!d.spotlight.empty()) md += "On screen, in order:\n\n";
  for (const auto& [t, label] : d.spotlight) {
    md += "- " + format_utc(t) + ": " + (label.empty() ? std::string("nothing") : markdown_inline(label)) +
          "\n";
  }
  if (!d.spotlight.empty()) md += "\n";

  md += "## Edits made\n\n";
  if (d.edits.empty()) md += "*No document changed during the meeting.*\n\n";
  for (const auto& e : d.edits) {
    std::string authors;
    for (const auto& a : e.authors) authors += (authors.empty() ? "" : ", ") + a;
    // A fence longer than any run of backticks in the diff.
    std::string fence = "```";
    while (e.diff.find(fence) != std::string::npos) fence += '`';
    md += "### " + markdown_inline(e.label) + "\n\nVersion " + std::to_string(e.from_version) + " to " +
          std::to_string(e.to_version) + ", by " + markdown_inline(authors) + ".\n\n" + fence + "diff\n" + e.diff +
          fence + "\n\n";
  }

  md += "## Threads\n\n";
  if (!d.threads_recorded) {
    md += "*Comment threads are not recorded in this consultation's log.*\n\n";
  } else {
    md += "Opened: " + std::to_string(d.threads_opened.size()) + ". Resolved: " +
          std::to_string(d.threads_resolved.size()) + ".\n\n";
    for (const auto& t : d.threads_opened) md += "- opened: " + markdown_inline(t) + "\n";
    for (const auto& t : d.threads_resolved) md += "- resolved: " + markdown_inline(t) + "\n";
    md += "\n";
  }

  md += "## Polls\n\n";
  if (d.polls.empty()) md += "*No poll.*\n\n";
  for (const auto& p : d.polls) {
    md += "### " + markdown_inline(p.id) + ": " + markdown_inline(p.question) + "\n\n";
    md += markdown_inline(p.kind) + (p.anonymous ? ", anonymous" : ", named") + ". " + std::to_string(p.ballots) +
          " of " + std::to_string(p.eligible) + " eligible voted. Outcome: " + markdown_inline(p.outcome) + ".\n\n";
    for (const auto& [label, value] : p.totals) md += "- " + markdown_inline(label) + ": " + value + "\n";
    if (!p.totals.empty()) md += "\n";
    for (const auto& b : p.breakdown) md += "- " + markdown_inline(b) + "\n";
    if (!p.breakdown.empty()) md += "\n";
    if (!p.reservations.empty()) md += "Reservations:\n\n";
    for (const auto& r : p.reservations) md += "- " + markdown_inline(r) + "\n";
    if (!p.reservations.empty()) md += "\n";
  }

  md += "## Decisions\n\n";
  if (d.decisions.empty()) md += "*No decision recorded.*\n";
  for (const auto& dec : d.decisions) md += "- " + markdown_inline(dec) + "\n";
  return md;
}

std::string render_minutes_html(const MinutesData& d) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"kenes-log-head\" content=\"" + html_escape(d.consultation_id) + ":" + std::to_string(d.head.seq) +
       ":" + d.head.hash_hex + "\">\n";
  std::string title = "Minutes: " + (d.meeting_title.empty() ? d.meeting_id : d.meeting_title);
  h += "<title>" + html_escape(title) + "</title>\n<style>"
       "body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5}"
       ".head{background:#f4f4f4;border-left:4px solid #888;padding:.5rem 1rem;font-size:.9rem;overflow-wrap:anywhere}"
       "pre{background:#f8f8f8;padding:.5rem;overflow-x:auto}.empty{color:#666;font-style:italic}"
       "</style>\n</head>\n<body>\n";
  h += "<h1>" + html_escape(title) + "</h1>\n<p>" + html_escape(d.consultation_title) + ", meeting " +
       html_escape(d.meeting_id) + ", chaired by " + html_escape(d.chair) + ". Started " +
       format_utc(d.started_at_unix_ms) + ", ended " + when(d.ended_at_unix_ms) + ".</p>\n";
  h += "<p class=\"head\">" + html_escape(head_sentence(d.consultation_id, d.head)) + "<br>Check it: <code>" +
       html_escape(verify_command(d.consultation_id, d.head)) + "</code></p>\n";
  h += "<h2>Attendance</h2>\n<p>" + attendance_counts(d, true) + "</p>\n";
  if (std::string board = board_line(d, true); !board.empty()) h += "<p>" + board + "</p>\n";
  h += "<ul>\n";
  for (const auto& a : d.attendance) {
    h += "<li>" + html_escape(a.name) + " (" + role_label(a.role) + "): " + format_utc(a.joined_at_unix_ms) + " to " +
         (a.left_at_unix_ms ? format_utc(*a.left_at_unix_ms) : std::string("the end")) + "</li>\n";
  }
  h += "</ul>\n<h2>Agenda and indicators discussed</h2>\n<ul>\n";
  for (const auto& a : d.agenda) h += "<li>" + html_escape(a) + "</li>\n";
  h += "</ul>\n<p>On screen, in order:</p>\n<ul>\n";
  for (const auto& [t, label] : d.spotlight) {
    h += "<li>" + format_utc(t) + ": " + (label.empty() ? std::string("nothing") : html_escape(label)) +
         "</li>\n";
  }
  h += "</ul>\n<h2>Edits made</h2>\n";
  if (d.edits.empty()) h += "<p class=\"empty\">No document changed during the meeting.</p>\n";
  for (const auto& e : d.edits) {
    std::string authors;
    for (const auto& a : e.authors) authors += (authors.empty() ? "" : ", ") + a;
    h += "<h3>" + html_escape(e.label) + "</h3>\n<p>Version " + std::to_string(e.from_version) + " to " +
         std::to_string(e.to_version) + ", by " + html_escape(authors) + ".</p>\n<pre>" + html_escape(e.diff) +
         "</pre>\n";
  }
  h += "<h2>Threads</h2>\n";
  if (!d.threads_recorded) {
    h += "<p class=\"empty\">Comment threads are not recorded in this consultation's log.</p>\n";
  } else {
    h += "<ul>\n";
    for (const auto& t : d.threads_opened) h += "<li>opened: " + html_escape(t) + "</li>\n";
    for (const auto& t : d.threads_resolved) h += "<li>resolved: " + html_escape(t) + "</li>\n";
    h += "</ul>\n";
  }
  h += "<h2>Polls</h2>\n";
  if (d.polls.empty()) h += "<p class=\"empty\">No poll.</p>\n";
  for (const auto& p : d.polls) {
    h += "<h3>" + html_escape(p.id + ": " + p.question) + "</h3>\n<p>" + html_escape(p.kind) +
         (p.anonymous ? ", anonymous" : ", named") + ". " + std::to_string(p.ballots) + " of " +
         std::to_string(p.eligible) + " eligible voted. Outcome: " + html_escape(p.outcome) + ".</p>\n<ul>\n";
    for (const auto& [label, value] : p.totals) h += "<li>" + html_escape(label) + ": " + html_escape(value) + "</li>\n";
    for (const auto& b : p.breakdown) h += "<li>" + html_escape(b) + "</li>\n";
    h += "</ul>\n";
    if (!p.reservations.empty()) {
      h += "<p>Reservations:</p>\n<ul>\n";
      for (const auto& r : p.reservations) h += "<li>" + html_escape(r) + "</li>\n";
      h += "</ul>\n";
    }
  }
  h += "<h2>Decisions</h2>\n<ul>\n";
  for (const auto& dec : d.decisions) h += "<li>" + html_escape(dec) + "</li>\n";
  h += "</ul>\n</body>\n</html>\n";
  return h;
}

namespace {

}  // namespace

std::string render_votes_csv(const VotesData& d) {
  std::string out = "consultation," + csv_field(d.consultation_id) + "\n";
  out += "log_head," + std::to_string(d.head.seq) + ":" + d.head.hash_hex + "\n";
  // No group or gender per person, named poll or not (issue 18: they are
  // shown only as counts of at least 3, in the results' breakdowns).
  out += "poll_id,poll_question,poll_kind,anonymous,voter,cast_at_utc,choices\n";
  // Anonymous polls' ballots sorted by choices within their poll, so that
  // their order (of casting, or of the roster) tells nothing.
  std::vector<std::string> poll_order;
  std::map<std::string, std::vector<const VoteRow*>> by_poll;
  for (const auto& r : d.rows) {
    auto& rows = by_poll[r.poll_id];
    if (rows.empty()) poll_order.push_back(r.poll_id);
    rows.push_back(&r);
  }
  std::vector<const VoteRow*> rows;
  for (const auto& id : poll_order) {
    auto& poll_rows = by_poll[id];
    if (poll_rows.front()->anonymous) {
      std::stable_sort(poll_rows.begin(), poll_rows.end(),
                       [](const VoteRow* a, const VoteRow* b) { return a->choices < b->choices; });
    }
    rows.insert(rows.end(), poll_rows.begin(), poll_rows.end());
  }
  for (const VoteRow* row : rows) {
    const VoteRow& r = *row;
    bool named = !r.anonymous;
    out += csv_field(r.poll_id) + "," + csv_field(r.question) + "," + csv_field(r.kind) + "," +
           (r.anonymous ? "yes" : "no") + "," + (named ? csv_field(r.voter) : "") + "," +
           (named && r.cast_at_unix_ms ? format_utc(r.cast_at_unix_ms) : "") + "," + csv_field(r.choices) + "\n";
  }
  return out;
}

}  // namespace kenes::report
