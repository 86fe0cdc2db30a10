// platform/sweep_main.cpp: the rvh-vp-sweep program, which `rvh-vp sweep`
// runs (platform/main.cpp; docs/sweeps.md). Sweeps are their own program so
// that rvh-vp itself does not load SQLite and yaml-cpp at every start
// (docs/benchmarks.md, start-up). The points run the rvh-vp next to it.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include <systemc>

#include "platform/sweep_cmd.h"

int sc_main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    std::cerr << "rvh-vp sweep: cannot find this executable (/proc/self/exe): " << ec.message() << "\n";
    return 2;
  }
  const fs::path rvh_vp = self.parent_path() / "rvh-vp";
  if (!fs::exists(rvh_vp, ec)) {
    std::cerr << "rvh-vp sweep: no rvh-vp next to " << self.string() << "\n";
    return 2;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);
  return rvh::sweep_command(args, rvh_vp.string(), std::cout, std::cerr);
}

// As rvh-vp's main: no SystemC banner on stdout (libsystemc, which the
// option checks link, needs an sc_main; this one runs the sweep).
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
