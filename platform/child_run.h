// platform/child_run.h: running this executable as a child (`rvh-vp bench`,
// `rvh-vp calibrate`): spawn with output to files and a host-time bound,
// and reading back what the child printed.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rvh {

// Runs `argv` (argv[0] is the program) with stdin from /dev/null and
// stdout/stderr to the files `out` and `err`. Returns the exit status, -1 if
// it could not be started or died of a signal, -2 if it ran longer than
// `timeout_s` seconds of host time (it is then killed).
int spawn_child(const std::vector<std::string>& argv, const std::string& out, const std::string& err,
                int timeout_s);

// The whole file (empty if it cannot be read).
std::string slurp_file(const std::string& path);

// The KEY=VALUE fields of each line that starts with `tag` and a space
// (a trailing '\r' is ignored), e.g. "BENCH name=null_sbi iters=200".
std::vector<std::map<std::string, std::string>> tagged_lines(const std::string& text, const std::string& tag);

// Field `k` as an integer (decimal or 0x-hex), 0 if absent.
uint64_t field_number(const std::map<std::string, std::string>& kv, const std::string& k);

}  // namespace rvh
