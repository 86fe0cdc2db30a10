// examples/accel_soc.cpp: a user's sc_main on the installed rvh-vp package
// (docs/library.md). It builds the platform (rvh::Soc), attaches its own
// TLM-2.0 peripheral (crc_accelerator.h) at 0x10010000 with its interrupt on
// PLIC source 12, runs a bare-metal program (sw/examples/accel_device.c
// drives the device) and exits with the program's status. Timing comes from
// rvh-vp's configuration (docs/timing.md), as rvh-vp --config/--set take it.
//
//   accel_soc PROGRAM.elf [--config FILE.json] [--set KEY=VALUE]... [--dump-dtb FILE]
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <systemc>

#include "crc_accelerator.h"
#include "platform/soc.h"

namespace {
constexpr uint64_t kAccelBase = 0x10010000;  // unmapped in docs/memory-map.md
constexpr unsigned kAccelPlicSource = 12;    // sources other than 10 (UART0) are free
constexpr uint32_t kAccelNsPerByte = 10;
constexpr uint64_t kMaxInsns = 100'000'000;  // a runaway program ends the run

int usage(const char* what) {
  std::cerr << "accel_soc: " << what
            << "\nusage: accel_soc PROGRAM.elf [--config FILE.json] [--set KEY=VALUE]... [--dump-dtb FILE]\n";
  return 2;
}
}  // namespace

int sc_main(int argc, char** argv) {
  std::string program, dtb_dump, config_file;
  std::vector<std::string> sets;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dump-dtb" || arg == "--config" || arg == "--set") {
      if (++i == argc) return usage((arg + " needs a value").c_str());
      if (arg == "--dump-dtb") dtb_dump = argv[i];
      if (arg == "--config") config_file = argv[i];
      if (arg == "--set") sets.push_back(argv[i]);
    } else if (!arg.empty() && arg[0] == '-') {
      return usage(("unknown option " + arg).c_str());
    } else if (program.empty()) {
      program = arg;
    } else {
      return usage("more than one program given");
    }
  }
  if (program.empty()) return usage("no program given");

  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);

  rvh::SocParams params;  // one hart, 128 MiB
  params.read_stdin = false;
  params.max_insns = kMaxInsns;
  try {
    params.timing = rvh::resolve_config(config_file, "", sets);  // defaults, file, then --set
    rvh::Soc soc("soc", params);
    CrcAccelerator accel("crc_accel", kAccelNsPerByte);
    soc.attach_device("crc_accel", kAccelBase, CrcAccelerator::kSize, accel.socket,
                      rvh::DeviceTreeEntry{{"rvhvp-example,crc-accel"}, kAccelPlicSource});
    accel.irq.bind(soc.plic_source(kAccelPlicSource));

    soc.load_bare_elf(program);
    soc.place_device_tree("", dtb_dump);
    sc_core::sc_start();
    std::fflush(stdout);

    const rvh::RunResult& r = soc.result();
    std::cerr << "accel_soc: " << (r.reason.empty() ? "no activity" : r.reason) << ", exit code "
              << r.exit_code << ", " << accel.runs() << " accelerator runs, " << sc_core::sc_time_stamp()
              << " simulated\n";
    if (r.reason.empty() || r.reason == "insn-limit") return 1;
    return r.exit_code;
  } catch (const std::exception& e) {
    std::cerr << "accel_soc: " << e.what() << "\n";
    return 1;
  }
}
