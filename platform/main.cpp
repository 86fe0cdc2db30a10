// platform/main.cpp: the rvh-vp command: parse options, build the SoC, load
// the software, run, print the run summary (docs/summary.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "platform/bench_cmd.h"
#include "platform/compare.h"
#include "platform/device_tree.h"
#include "platform/loader.h"
#include "platform/options.h"
#include "platform/provenance.h"
#include "platform/report_html.h"
#include "platform/run_report.h"
#include "platform/soc.h"
#include "platform/timeline.h"
#include "platform/stop_signals.h"
#include "platform/vcd_trace.h"

int sc_main(int argc, char** argv) {
  using namespace rvh;
  // Subcommands (rvh-vp NAME ARGS...), dispatched before option parsing.
  if (argc > 1) {
    const std::string sub = argv[1];
    const std::vector<std::string> rest(argv + 2, argv + argc);
    if (sub == "compare") return compare_command(rest, std::cout, std::cerr);
    if (sub == "report") return report_command(rest, std::cout, std::cerr);
    if (sub == "bench") return bench_command(rest, std::cout, std::cerr);
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
  params.trace = opt.trace;
  params.read_stdin = !opt.no_stdin && !opt.hyp;  // with --hyp the guest's virtual UART reads stdin
  hyp::VmConfig vm_config;
  if (opt.hyp) {
    vm_config.guest_ram_size = opt.guest_memory;
    vm_config.num_vcpus = opt.smp;
    vm_config.sstc = opt.guest_sstc;
    vm_config.prefault = opt.hyp_prefault;
    vm_config.redirect_inst_access_fault = !opt.kvm_no_inst_access_redirect;
    vm_config.strict_mmio = opt.strict_mmio;
    vm_config.read_stdin = !opt.no_stdin;
    vm_config.disabled_sbi = opt.sbi_disable;
    vm_config.hedeleg = opt.hyp_hedeleg;
    vm_config.costs = timing.hyp;
    // Host RAM: 2 MiB for the host, then the VM's page tables and guest RAM.
    params.config.ram_size = std::max<uint64_t>(opt.memory, (2ull << 20) + hyp::Vm::host_bytes_needed(opt.guest_memory));
  }

  try {
    Soc soc("soc", params);
    if (opt.hyp)
      soc.start_hypervisor(vm_config, opt.kernel, opt.append);
    else if (!opt.elf.empty())
      soc.load_bare_elf(opt.elf);
    else
      soc.load_firmware(opt.bios, opt.kernel, opt.initrd);
    if (!opt.hyp || !opt.dump_dtb.empty()) soc.place_device_tree(opt.dtb, opt.dump_dtb);

    // Reports watching the run (docs/reports.md).
    if (!opt.report_html.empty() && !std::ofstream(opt.report_html, std::ios::app))
      throw std::runtime_error(opt.report_html + ": cannot write file");
    std::unique_ptr<Timeline> timeline;
    if (!opt.timeline.empty()) {
      std::vector<Hart*> harts;
      for (auto& h : soc.harts()) harts.push_back(h.get());
      timeline = std::make_unique<Timeline>(opt.timeline, opt.timeline_max_events, harts, soc.vm());
    }
    std::unique_ptr<VcdTrace> vcd;
    if (!opt.vcd.empty()) vcd = std::make_unique<VcdTrace>("vcd", opt.vcd, soc);

    // Ctrl-C and SIGTERM end the run with its summary and reports, exit
    // status 128 + the signal's number (docs/running.md).
    StopOnSignal stop_on_signal([&soc](int signo) { soc.finish(128 + signo, signal_name(signo)); });
    const auto host_start = std::chrono::steady_clock::now();
    if (opt.max_time_ns) {
      sc_core::sc_start(sc_core::sc_time(static_cast<double>(opt.max_time_ns), sc_core::SC_NS));
      if (soc.result().reason.empty()) soc.finish(0, "time-limit");
    } else {
      sc_core::sc_start();
    }
    const double host_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - host_start).count();
    soc.uart().stop_input();
    if (timeline) timeline->finish();
    if (vcd) vcd->close();

    RunReport report = make_run_report(soc, host_seconds);
    std::fflush(stdout);
    print_run_summary(report, std::cerr);
    if (soc.vm()) soc.vm()->print_stats(std::cerr);
    if (!opt.stats.empty() || !opt.report_html.empty()) {
      RunContext context{config_to_json(timing), command_line_json(argc, argv),
                         describe_inputs({opt.elf, opt.bios, opt.kernel, opt.initrd, opt.dtb, opt.config_file,
                                          opt.hyp_costs})};
      const nlohmann::json stats =
          make_stats_json(report, soc.vm() ? soc.vm()->stats_json() : nlohmann::json(), context);
      if (!opt.stats.empty()) write_json_file(stats, opt.stats);
      if (!opt.report_html.empty()) write_report_html(stats, opt.report_html);
    }
    return soc.result().exit_code;
  } catch (const LoadError& e) {
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
