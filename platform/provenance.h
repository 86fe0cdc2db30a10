// platform/provenance.h: what a report needs so that its run can be
// reproduced from it alone: the software versions (rvh-vp and its source
// revision, SystemC/TLM, the compiler, Boost, nlohmann-json), the command line, and the
// input files with their sizes and SHA-256 digests.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rvh {

nlohmann::json software_versions();
// Each existing path as {"path", "bytes", "sha256"}; empty paths are skipped,
// unreadable ones get "error".
nlohmann::json describe_inputs(const std::vector<std::string>& paths);
// The command line as given (argv[0] included).
nlohmann::json command_line_json(int argc, char** argv);

// "rvh-vp 0.1.0 (revision)" for --version.
std::string version_text();

}  // namespace rvh
