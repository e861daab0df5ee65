#include "replay/report/line_diff.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace kenes::report {

namespace {

std::vector<std::string_view> split_lines(const std::string& text) {
  std::vector<std::string_view> lines;
  std::string_view rest(text);
  while (!rest.empty()) {
    auto nl = rest.find('\n');
    if (nl == std::string_view::npos) {
      lines.push_back(rest);
      break;
    }
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  return lines;
}

enum class Op : char { kKeep = ' ', kDel = '-', kAdd = '+' };

// Myers' greedy shortest edit script; nullopt-like empty result with
// `too_far` set when D exceeds the limit.
std::vector<Op> edit_script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b,
                            std::size_t max_d, bool* too_far) {
  const long n = static_cast<long>(a.size()), m = static_cast<long>(b.size());
  const long max = n + m;
  const long offset = max + 1;
  std::vector<long> v(static_cast<std::size_t>(2 * max + 3), 0);
  std::vector<std::vector<long>> trace;
  long found_d = -1;
  for (long d = 0; d <= max; ++d) {
    if (static_cast<std::size_t>(d) > max_d) {
      *too_far = true;
      return {};
    }
    trace.push_back(v);
    for (long k = -d; k <= d; k += 2) {
      long x;
      if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) {
        x = v[offset + k + 1];  // down: an insertion
      } else {
        x = v[offset + k - 1] + 1;  // right: a deletion
      }
      long y = x - k;
      while (x < n && y < m && a[x] == b[y]) {
        ++x;
        ++y;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found_d = d;
        break;
      }
    }
    if (found_d >= 0) break;
  }
  // Walk back through the saved frontiers.
  std::vector<Op> ops;
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const auto& pv = trace[static_cast<std::size_t>(d)];
    long k = x - y;
    long prev_k = (k == -d || (k != d && pv[offset + k - 1] < pv[offset + k + 1])) ? k + 1 : k - 1;
    long prev_x = pv[offset + prev_k];
    long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      ops.push_back(Op::kKeep);
      --x;
      --y;
    }
    ops.push_back(x == prev_x ? Op::kAdd : Op::kDel);
    x = prev_x;
    y = prev_y;
  }
  while (x > 0 && y > 0) {
    ops.push_back(Op::kKeep);
    --x;
    --y;
  }
  std::reverse(ops.begin(), ops.end());
  return ops;
}

}  // namespace

std::string unified_line_diff(const std::string& before, const std::string& after, std::size_t context,
                              std::size_t max_edit_distance) {
  if (before == after) return {};
  auto a = split_lines(before), b = split_lines(after);
  bool too_far = false;
  std::vector<Op> ops = edit_script(a, b, max_edit_distance, &too_far);
  if (too_far) {
    ops.assign(a.size(), Op::kDel);
    ops.insert(ops.end(), b.size(), Op::kAdd);
  }
  // Positions in a and b for each op.
  struct Line {
    Op op;
    std::size_t ai, bi;
  };
  std::vector<Line> lines;
  std::size_t ai = 0, bi = 0;
  for (Op op : ops) {
    lines.push_back({op, ai, bi});
    if (op != Op::kAdd) ++ai;
    if (op != Op::kDel) ++bi;
  }
  std::string out;
  std::size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].op == Op::kKeep) {
      ++i;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines
    // after the last change that is within 2*context of the next.
    std::size_t start = i >= context ? i - context : 0;
    std::size_t end = i;
    std::size_t keeps = 0;
    for (std::size_t j = i; j < lines.size(); ++j) {
      if (lines[j].op == Op::kKeep) {
        if (++keeps > 2 * context) break;
      } else {
        keeps = 0;
        end = j;
      }
    }
    std::size_t stop = std::min(lines.size(), end + 1 + context);
    std::size_t a_count = 0, b_count = 0;
    for (std::size_t j = start; j < stop; ++j) {
      if (lines[j].op != Op::kAdd) ++a_count;
      if (lines[j].op != Op::kDel) ++b_count;
    }
    std::size_t a_start = a_count ? lines[start].ai + 1 : lines[start].ai;
    std::size_t b_start = b_count ? lines[start].bi + 1 : lines[start].bi;
    out += "@@ -" + std::to_string(a_start) + "," + std::to_string(a_count) + " +" + std::to_string(b_start) + "," +
           std::to_string(b_count) + " @@\n";
    for (std::size_t j = start; j < stop; ++j) {
      out += static_cast<char>(lines[j].op);
      out += lines[j].op == Op::kAdd ? b[lines[j].bi] : a[lines[j].ai];
      out += '\n';
    }
    i = stop;
  }
  return out;
}

}  // namespace kenes::report
