#pragma once

// The words of the meeting minutes in English, Russian and Kazakh (issue
// 19): headings, labels and sentence patterns, {name} marking a value
// (fill(), i18n.h). The report's own words are in i18n.h; names of
// statuses, roles and stakeholder groups and the date formats are shared
// from there.
//
// As in the report, sentences put numbers after a colon or in brackets, so no
// plural forms are needed; and the Russian avoids past-tense verbs with a
// person as subject (their ending would say the person's gender): "Правка
// принята (Айгерим, 09:40)", not "Айгерим принял(а) правку".
//
// Pure and thread-safe.

#include "replay/report/i18n.h"

namespace kenes::report {

struct MinutesWords {
  // The head.
  const char* title;            // {title}
  const char* intro;            // {consultation} {meeting} {chair} {start} {end}
  const char* still_running;    // as {end}
  const char* built_from;       // {consultation} {seq} {hash} {time}
  const char* check_it;
  // Attendance.
  const char* attendance;
  const char* people;           // {n}
  const char* by_group;
  const char* by_gender;
  const char* groups_under_3;
  const char* not_shown_under_3;
  const char* not_given;
  const char* none;
  const char* board;            // {present} {excused} {absent}
  const char* span;             // {name} {role} {from} {to}
  const char* until_the_end;    // as {to}
  // Agenda.
  const char* agenda;
  const char* no_agenda;
  const char* on_screen;
  const char* nothing_on_screen;
  const char* recommendation;   // {category} {group}: a recommendation draft's name
  // Edits.
  const char* edits;
  const char* no_edits;
  const char* edited_by;        // {names} {from} {to} {v1} {v2}
  const char* edited_once;      // {names} {at} {v1} {v2}: all edits in the same minute
  const char* before;
  const char* after;
  const char* added;
  const char* removed;
  const char* unchanged;        // {n}
  const char* layout_only;
  // Threads.
  const char* threads;
  const char* no_threads;
  const char* thread_counts;    // {started} {resolved}
  const char* thread_on;        // {subject}
  const char* thread_on_whole;  // {subject}
  const char* open_quote;
  const char* close_quote;
  const char* suggestion_replace;  // {name} {time} {text}
  const char* suggestion_delete;   // {name} {time}
  const char* started_earlier;  // {time}
  const char* comment;          // {name} {time}: the comment follows
  const char* comment_deleted;
  const char* comment_hidden;   // {reason}
  const char* earlier_replies;  // {n}
  const char* resolved;         // {name} {time}
  const char* reopened;         // {name} {time}
  const char* accepted;         // {name} {time}
  const char* rejected;         // {name} {time}
  const char* rejected_because; // {name} {time} {reason}
  const char* suggestion_still_open;
  // Polls.
  const char* polls;
  const char* no_polls;
  const char* kinds[5];         // MinutesPoll::Kind order
  const char* anonymous;
  const char* named;
  const char* poll_kind;        // {kind} {visibility}
  const char* validates;        // {subject} {version}
  const char* validates_item;   // {subject}: an item without a draft version
  const char* never_opened;
  const char* opened_closed;    // {opened} {closed}
  const char* opened_still_open;  // {opened}
  const char* turnout;          // {voters} {eligible}
  const char* results_hidden;
  const char* passed;
  const char* did_not_pass;
  const char* passing_so_far;
  const char* not_passing_so_far;
  const char* quorum_not_met;
  const char* tied;
  const char* chosen;           // {option}
  const char* leading;          // {option}
  const char* agreement_counts;  // {agree} {reservations} {disagree} {abstain}
  const char* agreement_options[4];  // engine::AgreementChoice order
  const char* points;           // {points} {first}
  const char* by_group_voters;
  const char* by_gender_voters;
  const char* group_line;       // {group} {voters}: the values follow
  const char* merged_voters;    // the groups under 3 voters
  const char* not_stated;
  const char* breakdown_withheld;
  const char* reservations;
  // Decisions.
  const char* decisions;
  const char* no_decisions;
  const char* status_changed;   // {subject} {status} {name}
  const char* validated_by_hand;  // {subject} {name} {version}
  const char* validated_by_poll;  // {subject} {poll} {version}
  const char* validated_by_poll_item;  // {subject} {poll}: an item without a draft version
  const char* not_validated;    // {subject} {poll}
  const char* session_started;  // {session} {name} {items}
  const char* item_opened;      // {subject} {poll}
  const char* item_skipped;     // {subject}
  const char* session_ended;    // {session}
};

const MinutesWords& minutes_words(Lang lang);

}  // namespace kenes::report
