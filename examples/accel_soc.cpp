// examples/accel_soc.cpp: a user's sc_main on the installed rvh-vp package
// (docs/library.md). It builds the platform (rvh::Soc), attaches its own
// TLM-2.0 peripheral (crc_accelerator.h) at 0x10010000 with its interrupt on
// PLIC source 12, runs a program that drives the device and exits with the
// program's status. Timing comes from rvh-vp's configuration
// (docs/timing.md), as rvh-vp --config/--set take it.
//
// Bare (the default): PROGRAM is a bare-metal ELF (sw/examples/accel_device.c)
// that owns the machine.
// --guest: PROGRAM is a guest of the hosted hypervisor (as rvh-vp --hyp
// --kernel PROGRAM runs it; sw/guest/g_accel_device.c) and the device is
// assigned to its VM (Soc::assign_device; docs/library.md "Giving the device
// to a guest"): its registers are mapped into the guest's G-stage, its
// interrupt reaches the guest's virtual PLIC. --append sets the guest's
// /chosen/bootargs. --neighbour ELF runs a second VM with nothing assigned
// on the same hart (sw/guest/g_accel_probe.c); its console lines start with
// "vm1| ". At the end each VM's exits by class, assigned_irqs included, go
// to stderr.
//
//   accel_soc PROGRAM.elf [--config FILE.json] [--set KEY=VALUE]... [--dump-dtb FILE]
//   accel_soc --guest PROGRAM.elf [--append ARGS] [--neighbour ELF] [--config FILE.json] [--set KEY=VALUE]...
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
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
constexpr char kUsage[] =
    "usage: accel_soc PROGRAM.elf [--config FILE.json] [--set KEY=VALUE]... [--dump-dtb FILE]\n"
    "       accel_soc --guest PROGRAM.elf [--append ARGS] [--neighbour ELF] [--config FILE.json] "
    "[--set KEY=VALUE]...\n";

struct Args {
  std::string program, dtb_dump, config_file;
  std::vector<std::string> sets;
  bool guest = false;         // PROGRAM runs as a guest with the device assigned
  std::string append;         // the guest's bootargs
  std::string neighbour;      // a second VM's ELF, nothing assigned
};

int usage(const std::string& what) {
  std::cerr << "accel_soc: " << what << "\n" << kUsage;
  return 2;
}

// The neighbour VM's console: its lines start with "vm1| ", written as the
// default sink writes (one write() per byte, never held back).
rvh::Uart16550::OutputSink prefixed_stdout(const std::string& prefix) {
  auto at_line_start = std::make_shared<bool>(true);
  auto put = [](uint8_t b) {
    while (::write(STDOUT_FILENO, &b, 1) < 0 && (errno == EINTR || errno == EAGAIN)) {
    }
  };
  return [prefix, at_line_start, put](uint8_t b) {
    if (*at_line_start)
      for (char c : prefix) put(static_cast<uint8_t>(c));
    put(b);
    *at_line_start = b == '\n';
  };
}

// One line per VM for scripts: what the assignment is about.
void print_vm_summary(rvh::hyp::Vm& vm, size_t index) {
  const nlohmann::json t = vm.stats_json()["vm"];
  auto get = [&t](const char* k) { return t.value(k, uint64_t{0}); };
  std::cerr << "accel_soc: vm" << index << ": " << get("exits") << " exits, mmio_exit_user "
            << get("mmio_exit_user") << ", mmio_exit_kernel " << get("mmio_exit_kernel") << ", unmapped_mmio "
            << get("unmapped_mmio") << ", assigned_irqs " << get("assigned_irqs") << ", stopped: "
            << vm.stop_info().reason.substr(0, vm.stop_info().reason.find('\n')) << " (exit code "
            << vm.stop_info().exit_code << ")\n";
}
}  // namespace

int sc_main(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dump-dtb" || arg == "--config" || arg == "--set" || arg == "--append" || arg == "--neighbour") {
      if (++i == argc) return usage(arg + " needs a value");
      if (arg == "--dump-dtb") a.dtb_dump = argv[i];
      if (arg == "--config") a.config_file = argv[i];
      if (arg == "--set") a.sets.push_back(argv[i]);
      if (arg == "--append") a.append = argv[i];
      if (arg == "--neighbour") a.neighbour = argv[i];
    } else if (arg == "--guest") {
      a.guest = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage("unknown option " + arg);
    } else if (a.program.empty()) {
      a.program = arg;
    } else {
      return usage("more than one program given");
    }
  }
  if (a.program.empty()) return usage("no program given");
  if (!a.guest && (!a.append.empty() || !a.neighbour.empty()))
    return usage("--append and --neighbour need --guest");
  if (a.guest && !a.dtb_dump.empty()) return usage("--dump-dtb works without --guest only");

  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);

  rvh::SocParams params;  // one hart, 128 MiB
  params.read_stdin = false;
  params.max_insns = kMaxInsns;
  try {
    params.timing = rvh::resolve_config(a.config_file, "", a.sets);  // defaults, file, then --set

    // The VMs (--guest): the owner of the device first, then the neighbour;
    // host RAM grows to hold their windows, as rvh-vp --hyp sizes it.
    std::vector<rvh::Soc::VmBoot> vms;
    if (a.guest) {
      rvh::Soc::VmBoot owner;
      owner.config.costs = params.timing.hyp;
      owner.kernel = a.program;
      owner.bootargs = a.append;
      vms.push_back(owner);
      if (!a.neighbour.empty()) {
        rvh::Soc::VmBoot neighbour;
        neighbour.config.costs = params.timing.hyp;
        neighbour.kernel = a.neighbour;
        vms.push_back(neighbour);
      }
      std::vector<uint64_t> sizes;
      for (const auto& vm : vms) sizes.push_back(vm.config.guest_ram_size);
      params.config.ram_size = std::max(params.config.ram_size, rvh::Soc::host_ram_for_vms(sizes));
    }

    rvh::Soc soc("soc", params);
    CrcAccelerator accel("crc_accel", kAccelNsPerByte);
    soc.attach_device("crc_accel", kAccelBase, CrcAccelerator::kSize, accel.socket,
                      rvh::DeviceTreeEntry{{"rvhvp-example,crc-accel"}, kAccelPlicSource});
    accel.irq.bind(soc.plic_source(kAccelPlicSource));

    if (a.guest) {
      soc.assign_device("crc_accel", 0);  // to the first VM, before it starts
      soc.start_hypervisor(params.timing.hyp, vms);
      if (soc.vms().size() > 1) soc.vms()[1]->uart().set_output(prefixed_stdout("vm1| "));
    } else {
      soc.load_bare_elf(a.program);
      soc.place_device_tree("", a.dtb_dump);
    }
    sc_core::sc_start();
    std::fflush(stdout);

    const rvh::RunResult& r = soc.result();
    std::cerr << "accel_soc: " << (r.reason.empty() ? "no activity" : r.reason) << ", exit code "
              << r.exit_code << ", " << accel.runs() << " accelerator runs, " << sc_core::sc_time_stamp()
              << " simulated\n";
    for (auto& vm : soc.vms()) vm->print_stats(std::cerr);
    for (size_t i = 0; i < soc.vms().size(); ++i) print_vm_summary(*soc.vms()[i], i);
    if (r.reason.empty() || r.reason == "insn-limit") return 1;
    return r.exit_code;
  } catch (const std::exception& e) {
    std::cerr << "accel_soc: " << e.what() << "\n";
    return 1;
  }
}
