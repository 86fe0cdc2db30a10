// platform/main.cpp: the rvh-vp command: parse options, build the SoC, load
// the software, run, print the run summary (docs/summary.md).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "platform/bench_cmd.h"
#include "platform/calibrate_cmd.h"
#include "platform/commit_log.h"
#include "platform/compare.h"
#include "platform/console.h"
#include "platform/device_tree.h"
#include "platform/disassembler.h"
#include "platform/file_io.h"
#include "platform/loader.h"
#include "platform/marker_regions.h"
#include "platform/options.h"
#include "platform/provenance.h"
#include "platform/report_html.h"
#include "platform/run_report.h"
#include "platform/soc.h"
#include "platform/timeline.h"
#include "platform/gdb_stub.h"
#include "platform/stop_signals.h"
#include "platform/vcd_trace.h"
#include "platform/vm_report.h"
#include "platform/vm_setup.h"

namespace {

// `rvh-vp sweep ARGS...` is the program rvh-vp-sweep next to this one
// (platform/sweep_main.cpp), run in this process's place: SQLite and
// yaml-cpp are loaded only by sweeps, not at every start of rvh-vp.
int exec_sweep_program(int argc, char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::string program = (self.parent_path() / "rvh-vp-sweep").string();
  std::vector<char*> args{const_cast<char*>("rvh-vp-sweep")};
  for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
  args.push_back(nullptr);
  if (!ec) execv(program.c_str(), args.data());
  std::cerr << "rvh-vp sweep: cannot run " << (ec ? std::string("rvh-vp-sweep") : program) << ": "
            << (ec ? ec.message() : std::strerror(errno)) << "\n";
  return 2;
}

// A size in the largest binary unit that divides it: {"32", "G"}, or {"N", ""} bytes.
std::pair<std::string, std::string> size_in_units(uint64_t bytes) {
  static const char* const kUnits[] = {"T", "G", "M", "K"};
  for (int i = 0; i < 4; ++i) {
    const uint64_t unit = 1ull << (40 - 10 * i);
    if (bytes % unit == 0) return {std::to_string(bytes / unit), kUnits[i]};
  }
  return {std::to_string(bytes), ""};
}

// The error for simulated RAM the host cannot allocate, naming the option
// that asked for it: -m, or --guest-memory when it made the host RAM larger.
std::string ram_allocation_message(const rvh::Options& opt, uint64_t bytes) {
  const bool guest = opt.hyp && bytes > opt.memory;
  const std::string option = guest ? "--guest-memory" : "-m";
  const auto [n, unit] = size_in_units(guest ? opt.guest_memory : opt.memory);
  const auto [amount, amount_unit] = size_in_units(bytes);
  return option + " " + n + unit + ": cannot allocate " + amount + " " + (amount_unit.empty() ? "bytes" : amount_unit + "iB") +
         " of simulated RAM" + (guest ? " (the guest's RAM and the hypervisor's page tables)" : "") +
         " on this host (not enough free memory or address space); use a smaller " + option;
}

}  // namespace

int sc_main(int argc, char** argv) {
  using namespace rvh;
  // Subcommands (rvh-vp NAME ARGS...), dispatched before option parsing.
  if (argc > 1) {
    const std::string sub = argv[1];
    const std::vector<std::string> rest(argv + 2, argv + argc);
    if (sub == "compare") return compare_command(rest, std::cout, std::cerr);
    if (sub == "report") return report_command(rest, std::cout, std::cerr);
    if (sub == "bench") return bench_command(rest, std::cout, std::cerr);
    if (sub == "calibrate") return calibrate_command(rest, std::cout, std::cerr);
    if (sub == "sweep") return exec_sweep_program(argc, argv);
  }
  Options opt;
  try {
    opt = parse_options(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "rvh-vp: " << e.what() << "\nTry 'rvh-vp --help' for more information.\n";
    return 2;
  }
  if (opt.help) {
    std::cout << usage_text("rvh-vp");
    return 0;
  }
  if (opt.version) {
    std::cout << version_text() << "\n";
    return 0;
  }
  TimingConfig timing;
  try {
    timing = resolve_config(opt.config_file, opt.hyp_costs, opt.config_sets);
  } catch (const ConfigError& e) {
    std::cerr << "rvh-vp: " << e.what() << "\n";
    return 2;
  }
  if (opt.help_config) {
    std::cout << config_key_table(timing);
    return 0;
  }
  if (opt.dump_config) {
    std::cout << config_to_json(timing).dump(2) << "\n";
    return 0;
  }

  // SystemC prints a banner and info lines; keep stdout for the guest console.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);

  SocParams params;
  params.config.num_harts = opt.smp;
  params.config.ram_size = opt.memory;
  params.config.bootargs = opt.append;
  params.timing = timing;
  params.max_insns = opt.max_insns;
  params.jit_threshold = opt.jit_threshold;
  params.jit_async = opt.jit_async;
  params.read_stdin = false;  // the consoles are connected below (--serial)
  params.serial_drop_early = opt.serial_drop_early;
  std::vector<Soc::VmBoot> vm_boots;
  if (opt.hyp) {
    try {
      vm_boots = plan_vms(opt, timing);
    } catch (const ConfigError& e) {
      std::cerr << "rvh-vp: " << e.what() << "\n";
      return 2;
    }
    // Host RAM: 2 MiB for the host, then each VM's page tables and guest RAM.
    std::vector<uint64_t> sizes;
    for (const auto& b : vm_boots) sizes.push_back(b.config.guest_ram_size);
    params.config.ram_size = std::max<uint64_t>(opt.memory, Soc::host_ram_for_vms(sizes));
  }

  try {
    // Every output is opened now, so that one that cannot be written is an
    // error before anything runs (platform/file_io.h, docs/options.md).
    OutputFile stats_out, report_out, timeline_out, vcd_out, dtb_out, trace_out;
    if (!opt.stats.empty()) stats_out = OutputFile::open("--stats", opt.stats);
    if (!opt.report_html.empty()) report_out = OutputFile::open("--report", opt.report_html);
    if (!opt.timeline.empty()) timeline_out = OutputFile::open("--timeline", opt.timeline);
    if (!opt.vcd.empty()) vcd_out = OutputFile::open("--vcd", opt.vcd);
    if (!opt.dump_dtb.empty()) dtb_out = OutputFile::open("--dump-dtb", opt.dump_dtb);
    if (!opt.trace_file.empty()) trace_out = OutputFile::open("--trace-file", opt.trace_file);
    // The consoles (docs/running.md "The console"): serial0 is the guest's
    // console (UART0, or the VM's virtual UART with --hyp), serial1 the
    // host's UART0 with --hyp.
    // With several VMs (--vm), VM n's console is its console= (default:
    // the terminal); serial0 is VM 0's. The terminal's input goes to the
    // first VM that names console=stdio, else to VM 0; the other VMs on the
    // terminal only print, each line prefixed "vmN| ".
    size_t terminal_vm = 0;
    for (size_t n = 0; n < opt.vms.size(); ++n)
      if (opt.vms[n].console && opt.vms[n].console->kind == SerialSpec::Kind::kStdio) {
        terminal_vm = n;
        break;
      }
    std::vector<ConsoleSettings> console_settings, vm_console_settings;
    for (size_t i = 0; i < std::max<size_t>(1, opt.serial.size()); ++i) {
      ConsoleSettings cs;
      cs.name = "serial" + std::to_string(i);
      if (i < opt.serial.size()) cs.spec = opt.serial[i];
      if (i == 0 && !opt.vms.empty() && opt.vms[0].console) cs.spec = *opt.vms[0].console;
      cs.input = !(opt.no_stdin && cs.spec.kind == SerialSpec::Kind::kStdio);
      if (i == 0 && terminal_vm != 0 && cs.spec.kind == SerialSpec::Kind::kStdio) {
        cs.input = false;
        cs.line_prefix = "vm0| ";
      }
      cs.escape_char = opt.escape_char;
      if (cs.spec.kind == SerialSpec::Kind::kFile) cs.file = OutputFile::open("--serial", cs.spec.path);
      if (i == 0 && !opt.serial_log.empty()) cs.log = OutputFile::open("--serial-log", opt.serial_log);
      cs.log_timestamps = opt.serial_log_timestamps;
      console_settings.push_back(std::move(cs));
    }
    for (size_t n = 1; n < opt.vms.size(); ++n) {
      ConsoleSettings cs;
      cs.name = "vm" + std::to_string(n) + " console";
      if (opt.vms[n].console) cs.spec = *opt.vms[n].console;
      const bool stdio = cs.spec.kind == SerialSpec::Kind::kStdio;
      cs.input = !(stdio && (n != terminal_vm || opt.no_stdin));
      if (stdio && n != terminal_vm) cs.line_prefix = "vm" + std::to_string(n) + "| ";
      cs.escape_char = opt.escape_char;
      if (cs.spec.kind == SerialSpec::Kind::kFile) cs.file = OutputFile::open("console=", cs.spec.path);
      vm_console_settings.push_back(std::move(cs));
    }

    Soc soc("soc", params);
    if (opt.hyp)
      soc.start_hypervisor(timing.hyp, vm_boots);
    else if (!opt.elf.empty())
      soc.load_bare_elf(opt.elf);
    else
      soc.load_firmware(opt.bios, opt.kernel, opt.initrd);
    if (!opt.hyp || dtb_out.is_open()) soc.place_device_tree(opt.dtb, dtb_out.is_open() ? &dtb_out : nullptr);

    // Benchmark regions that software marks with marker HINTs (cpu/marker.h).
    std::vector<Hart*> all_harts;
    for (auto& h : soc.harts()) all_harts.push_back(h.get());
    MarkerRegions regions(all_harts);
    if (hyp::Vm* vm = soc.vm())
      for (unsigned i = 0; i < vm->num_vcpus(); ++i) regions.set_vcpu(i, i, [vm] { return vm->region_counters(); });

    // Reports watching the run (docs/reports.md).
    std::unique_ptr<Timeline> timeline;
    if (!opt.timeline.empty()) {
      std::vector<Hart*> harts;
      for (auto& h : soc.harts()) harts.push_back(h.get());
      std::vector<hyp::Vm*> vms;
      for (auto& vm : soc.vms()) vms.push_back(vm.get());
      timeline = std::make_unique<Timeline>(std::move(timeline_out), opt.timeline_max_events, harts, vms,
                                            soc.scheduler());
    }
    std::unique_ptr<VcdTrace> vcd;
    if (!opt.vcd.empty()) vcd = std::make_unique<VcdTrace>("vcd", std::move(vcd_out), soc);

    // The commit-log trace (--trace, --trace-file; docs/debugging.md).
    std::unique_ptr<Disassembler> disassembler;
    std::unique_ptr<CommitLog> commit_log;
    if (opt.trace || trace_out.is_open()) {
      CommitLog::Settings settings;
      settings.filter = opt.trace_filter;
      if (opt.trace_disasm) {
        disassembler = std::make_unique<Disassembler>([&soc](uint64_t a) { return soc.symbols().describe(a); });
        settings.disassemble = [d = disassembler.get()](uint64_t pc, uint32_t bits, unsigned length) {
          return (*d)(pc, bits, length);
        };
        settings.show_traps = true;
      }
      commit_log = std::make_unique<CommitLog>(trace_out.is_open() ? trace_out.begin() : stderr,
                                               std::move(settings), &soc.symbols());
      for (auto& h : soc.harts()) commit_log->attach(*h);
    }

    auto host_start = std::chrono::steady_clock::now();
    auto host_seconds_so_far = [&host_start] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start).count() -
             Console::paused_seconds();
    };
    // The consoles' escape keys (Ctrl-A x, Ctrl-A s), run inside the simulation.
    ConsoleHooks hooks;
    hooks.quit = [&soc] { soc.finish(0, "quit"); };
    hooks.stats = [&soc, &host_seconds_so_far] {
      RunReport report = make_run_report(soc, host_seconds_so_far());
      report.in_progress = true;
      print_run_summary(report, std::cerr);
      for (auto& vm : soc.vms()) vm->print_stats(std::cerr);
    };
    std::vector<std::unique_ptr<Console>> consoles;
    for (size_t i = 0; i < console_settings.size(); ++i) {
      Uart16550& uart = !opt.hyp ? soc.uart() : i == 0 ? soc.vm()->uart() : soc.uart();
      consoles.push_back(std::make_unique<Console>(std::move(console_settings[i]), uart, hooks));
    }
    for (size_t n = 0; n < vm_console_settings.size(); ++n)
      consoles.push_back(std::make_unique<Console>(std::move(vm_console_settings[n]), soc.vms()[n + 1]->uart(), hooks));

    // SIGINT and SIGTERM end the run with its summary and reports, exit
    // status 128 + the signal's number (docs/running.md).
    StopOnSignal stop_on_signal([&soc](int signo) { soc.finish(128 + signo, signal_name(signo)); });
    // GDB (docs/debugging.md): listening before the first instruction.
    std::unique_ptr<GdbStub> gdb;
    if (opt.gdb_port >= 0)
      gdb = std::make_unique<GdbStub>(soc, GdbStubOptions{static_cast<uint16_t>(opt.gdb_port), opt.wait_for_gdb});
    // Open the consoles last (a server console may wait for its client):
    // the terminal (stdio) after the others, so that Ctrl-C still works
    // while a socket waits.
    for (int pass = 0; pass < 2; ++pass)
      for (size_t i = 0; i < consoles.size(); ++i) {
        const bool stdio = consoles[i]->settings().spec.kind == SerialSpec::Kind::kStdio;
        if (stdio == (pass == 1)) consoles[i]->open();
      }
    host_start = std::chrono::steady_clock::now();
    if (opt.max_time_ns) {
      sc_core::sc_start(sc_core::sc_time(static_cast<double>(opt.max_time_ns), sc_core::SC_NS));
      if (soc.result().reason.empty()) soc.finish(0, "time-limit");
    } else {
      sc_core::sc_start();
    }
    const double host_seconds = host_seconds_so_far();
    // The run is over however it ended: a disk's unflushed writes reach its image.
    for (auto& vm : soc.vms()) vm->shutdown_devices();
    if (gdb) gdb->run_ended(soc.result().exit_code);
    // Input stops and the terminal is given back; --serial-log is complete.
    int output_error = 0;
    for (auto& c : consoles) {
      try {
        c->close();
      } catch (const OutputError& e) {
        std::cerr << "rvh-vp: " << e.what() << "\n";
        output_error = 1;
      }
    }
    if (timeline) timeline->finish();
    if (vcd) vcd->close();
    commit_log.reset();
    if (trace_out.is_open()) trace_out.finish();

    RunReport report = make_run_report(soc, host_seconds);
    std::fflush(stdout);
    print_run_summary(report, std::cerr);
    for (auto& vm : soc.vms()) vm->print_stats(std::cerr);
    if (soc.vms().size() > 1) print_vm_summary(soc, std::cerr);
    regions.report_errors(std::cerr);
    if (!opt.stats.empty() || !opt.report_html.empty()) {
      RunContext context{config_to_json(timing), command_line_json(argc, argv),
                         describe_inputs({opt.elf, opt.bios, opt.kernel, opt.initrd, opt.dtb, opt.config_file,
                                          opt.hyp_costs})};
      nlohmann::json stats = make_stats_json(report, hypervisor_stats_json(soc), context);
      regions.add_to_stats(stats, soc.vm() != nullptr);
      if (stats_out.is_open()) write_json_file(stats, stats_out);
      if (report_out.is_open()) write_report_html(stats, report_out);
    }
    return output_error ? output_error : soc.result().exit_code;
  } catch (const MemoryAllocationError& e) {
    std::cerr << "rvh-vp: " << ram_allocation_message(opt, e.bytes()) << "\n";
    return 1;
  } catch (const LoadError& e) {
    std::cerr << "rvh-vp: " << e.what() << "\n";
    return 1;
  } catch (const ConsoleError& e) {
    std::cerr << "rvh-vp: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "rvh-vp: " << e.what() << "\n";
    return 1;
  }
}

// Our own main: keeps SystemC's copyright banner off stdout (the guest
// console), then runs sc_main as libsystemc's main would.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
