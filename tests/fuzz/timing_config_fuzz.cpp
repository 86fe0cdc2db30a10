// timing_config_fuzz.cpp -- the timing configuration parser
// (platform/timing_config.*): `--config FILE` and `--set KEY=VALUE`.
//
// Input: the contents of a --config file, read through load_config_file()
// as the command line does. Independently, every line of the input that
// looks like an assignment (has '=' and no JSON braces) is applied with
// set_config_assignment(), as a --set option would be.
//
// Checks, besides the sanitizers: every rejection is a ConfigError whose
// message is one non-empty line in our words (not the JSON library's
// "[json.exception...]" text); an accepted configuration can be dumped
// (config_to_json, config_key_table, as --dump-config does) and the dump
// loads again to exactly the same configuration (what docs/timing.md
// promises: --dump-config output is a valid --config file).
#include <cstdint>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "platform/timing_config.h"
#include "tests/fuzz/fuzz_sc_main.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

// `input` is what the user gave: a message may quote it, so the JSON
// library's marker only counts when the input did not contain it.
void check_error(const char* what, const std::string& input) {
  const std::string s = what;
  const char* marker = "[json.exception";
  FUZZ_CHECK(!s.empty(), "empty ConfigError");
  FUZZ_CHECK(s.find('\n') == std::string::npos, "ConfigError is not one line: %s", what);
  FUZZ_CHECK(s.find(marker) == std::string::npos || input.find(marker) != std::string::npos,
             "ConfigError shows the JSON library's text: %s", what);
}

// --dump-config output of `c`, loaded again, gives the same dump.
void check_round_trip(const rvh::TimingConfig& c, rvh::fuzz::MemFile& file) {
  const nlohmann::json dumped = rvh::config_to_json(c);
  (void)rvh::config_key_table(c);
  const std::string text = dumped.dump(2);
  file.write(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  rvh::TimingConfig again;
  try {
    rvh::load_config_file(again, file.path());
    rvh::finalize_config(again);
  } catch (const rvh::ConfigError& e) {
    FUZZ_CHECK(false, "dumped configuration is rejected: %s\n%s", e.what(), text.c_str());
  }
  const nlohmann::json redumped = rvh::config_to_json(again);
  FUZZ_CHECK(redumped == dumped, "configuration changes through dump and load:\n%s\n---\n%s", text.c_str(),
             redumped.dump(2).c_str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static rvh::fuzz::MemFile& file = *new rvh::fuzz::MemFile();

  const std::string input(reinterpret_cast<const char*>(data), size);
  rvh::TimingConfig c;
  bool ok = true;
  try {
    rvh::load_config_file(c, file.write(data, size));
    rvh::finalize_config(c);
  } catch (const rvh::ConfigError& e) {
    check_error(e.what(), input);
    ok = false;
  }
  if (ok) check_round_trip(c, file);

  // --set KEY=VALUE, one per line.
  rvh::TimingConfig s;
  std::istringstream lines(input);
  std::string line;
  bool any = false;
  while (std::getline(lines, line)) {
    if (line.find('=') == std::string::npos || line.find_first_of("{}") != std::string::npos) continue;
    try {
      rvh::set_config_assignment(s, line);
      any = true;
    } catch (const rvh::ConfigError& e) {
      check_error(e.what(), line);
    }
  }
  if (any) {
    rvh::finalize_config(s);
    check_round_trip(s, file);
  }
  return 0;
}
