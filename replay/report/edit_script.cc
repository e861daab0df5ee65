#include "replay/report/edit_script.h"

#include <algorithm>

namespace kenes::report {

std::optional<std::vector<EditOp>> shortest_edit_script(const std::vector<std::string_view>& a_all,
                                                        const std::vector<std::string_view>& b_all,
                                                        std::size_t max_edit_distance) {
  // The common head and tail cost nothing to find and are most of a typical
  // edit; Myers runs on what is left.
  std::size_t head = 0;
  while (head < a_all.size() && head < b_all.size() && a_all[head] == b_all[head]) ++head;
  std::size_t tail = 0;
  while (tail < a_all.size() - head && tail < b_all.size() - head &&
         a_all[a_all.size() - 1 - tail] == b_all[b_all.size() - 1 - tail]) {
    ++tail;
  }
  const std::string_view* a = a_all.data() + head;
  const std::string_view* b = b_all.data() + head;
  const long n = static_cast<long>(a_all.size() - head - tail), m = static_cast<long>(b_all.size() - head - tail);

  // v[k] (k = x - y, offset by `max`): the furthest x reached on diagonal k.
  // trace[d] keeps v's diagonals -d..d as they were before step d, which is
  // all the walk back needs: O(D²) in all.
  const long max = n + m;
  const long offset = max + 1;
  std::vector<long> v(static_cast<std::size_t>(2 * max + 3), 0);
  std::vector<std::vector<long>> trace;
  long found_d = -1;
  for (long d = 0; d <= max; ++d) {
    if (static_cast<std::size_t>(d) > max_edit_distance) return std::nullopt;
    trace.emplace_back(v.begin() + (offset - d), v.begin() + (offset + d + 1));
    for (long k = -d; k <= d; k += 2) {
      long x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1]  // an insertion
                                                                               : v[offset + k - 1] + 1;  // a deletion
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

  // Walk back through the saved frontiers, collecting the middle's ops in
  // reverse.
  std::vector<EditOp> middle;
  long x = n, y = m;
  for (long d = found_d; d > 0; --d) {
    const std::vector<long>& pv = trace[static_cast<std::size_t>(d)];
    auto at = [&](long k) { return pv[static_cast<std::size_t>(k + d)]; };
    long k = x - y;
    long prev_k = (k == -d || (k != d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
    long prev_x = at(prev_k);
    long prev_y = prev_x - prev_k;
    while (x > prev_x && y > prev_y) {
      middle.push_back(EditOp::kKeep);
      --x;
      --y;
    }
    middle.push_back(x == prev_x ? EditOp::kInsert : EditOp::kDelete);
    x = prev_x;
    y = prev_y;
  }
  while (x > 0 && y > 0) {
    middle.push_back(EditOp::kKeep);
    --x;
    --y;
  }
  // Myers' walk may put an insertion before a deletion between the same kept
  // items; readers expect the old before the new.
  std::vector<EditOp> ops(head, EditOp::kKeep);
  std::reverse(middle.begin(), middle.end());
  for (std::size_t i = 0; i < middle.size();) {
    if (middle[i] == EditOp::kKeep) {
      ops.push_back(EditOp::kKeep);
      ++i;
      continue;
    }
    std::size_t j = i, dels = 0, ins = 0;
    for (; j < middle.size() && middle[j] != EditOp::kKeep; ++j) (middle[j] == EditOp::kDelete ? dels : ins)++;
    ops.insert(ops.end(), dels, EditOp::kDelete);
    ops.insert(ops.end(), ins, EditOp::kInsert);
    i = j;
  }
  ops.insert(ops.end(), tail, EditOp::kKeep);
  return ops;
}

}  // namespace kenes::report
