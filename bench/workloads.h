#pragma once

// Each workload of kenes-bench is one function with a main()-like signature,
// registered in main.cc. A workload prints one JSON object per measured result
// on stdout (and nothing else there); progress and diagnostics go to stderr.

namespace kenes::bench {

int engine_trace_main(int argc, char** argv);
int log_append_main(int argc, char** argv);
int log_recover_main(int argc, char** argv);
int trace_main(int argc, char** argv);
int echo_baseline_main(int argc, char** argv);
int room_main(int argc, char** argv);
int saturate_main(int argc, char** argv);
int idle_main(int argc, char** argv);
int poll_main(int argc, char** argv);
int soak_main(int argc, char** argv);
int threads_main(int argc, char** argv);

}  // namespace kenes::bench
