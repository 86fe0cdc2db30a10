// platform/options.cpp: command-line parsing; see options.h and docs/options.md.
#include "platform/options.h"

#include <cctype>
#include <sstream>
#include <vector>

#include <boost/program_options.hpp>

namespace po = boost::program_options;

namespace rvh {
namespace {

const char* const kSizeHint = ": bad size; use e.g. 128M, 1G";

// Unsigned decimal or 0x-hex integer, nothing else (no sign, no spaces).
bool parse_uint(const std::string& s, uint64_t& out) {
  if (s.empty()) return false;
  int base = 10;
  size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  }
  unsigned __int128 v = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    unsigned d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c))) d = std::tolower(c) - 'a' + 10;
    else return false;
    v = v * base + d;
    if (v > UINT64_MAX) return false;
  }
  out = static_cast<uint64_t>(v);
  return true;
}

uint64_t number_option(const char* option, const std::string& text) {
  uint64_t v;
  if (!parse_uint(text, v))
    throw UsageError(std::string(option) + " " + text +
                     ": bad number; use a decimal or 0x-hex integer");
  return v;
}

// --max-time: a whole number with a unit (s, ms, us, ns), 1 ns to 10^6 s.
uint64_t parse_max_time(const std::string& text) {
  static const struct { const char* suffix; uint64_t ns; } kUnits[] = {
      {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
  const uint64_t kMaxNs = 1000000ull * 1000000000ull;
  for (const auto& u : kUnits) {
    const std::string suffix = u.suffix;
    if (text.size() <= suffix.size() || text.compare(text.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    uint64_t n;
    if (!parse_uint(text.substr(0, text.size() - suffix.size()), n)) break;
    if (n == 0) throw UsageError("--max-time " + text + ": must be more than 0");
    if (n > kMaxNs / u.ns) throw UsageError("--max-time " + text + ": too long; at most 1000000s");
    return n * u.ns;
  }
  throw UsageError("--max-time " + text + ": bad time; use a whole number and a unit, e.g. 10s, 500ms, 20us, 1000ns");
}

po::options_description visible_options() {
  po::options_description program("Program to run (one of)");
  program.add_options()
      ("bios", po::value<std::string>()->value_name("FILE"),
       "firmware (ELF or raw binary at 0x80000000) started in M-mode from the boot ROM "
       "with a0 = hart id, a1 = DTB address; e.g. OpenSBI fw_jump.elf")
      ("kernel", po::value<std::string>()->value_name("FILE"),
       "S-mode payload the firmware jumps to (U-Boot, Linux Image); needs --bios")
      ("initrd", po::value<std::string>()->value_name("FILE"),
       "initial ramdisk, described in /chosen; needs --kernel")
      ("append", po::value<std::string>()->value_name("STR"),
       "kernel command line: /chosen/bootargs in the generated device tree");

  po::options_description machine("Machine");
  machine.add_options()
      ("memory,m", po::value<std::string>()->value_name("SIZE"),
       "RAM size at 0x80000000 (default 128M); 512 = 512 MiB, 1G, 0x8000000 = bytes")
      ("smp", po::value<std::string>()->value_name("N"), "number of harts, 1..8 (default 1)")
      ("dtb", po::value<std::string>()->value_name("FILE"),
       "use this device tree blob instead of generating one")
      ("dump-dtb", po::value<std::string>()->value_name("FILE"),
       "write the device tree blob to FILE (inspect with dtc -I dtb -O dts FILE)");

  po::options_description run("Simulation");
  run.add_options()
      ("max-insns", po::value<std::string>()->value_name("N"),
       "stop after N instructions per hart, counting those that trapped (default 0 = unlimited)")
      ("max-time", po::value<std::string>()->value_name("TIME"),
       "stop after TIME of simulated time, sleeping harts included: 10s, 500ms, 20us, 1000ns (default: no limit)")
      ("quantum", po::value<std::string>()->value_name("NS"),
       "global TLM quantum in simulated nanoseconds: how far a hart may run ahead "
       "of SystemC time (default 1000)")
      ("quantum-insns", po::value<std::string>()->value_name("N"),
       "at most N instructions between synchronisation checks (default 10000)")
      ("jit-threshold", po::value<std::string>()->value_name("N"),
       "translate a block of code to host code after it ran N times in the interpreter; "
       "0 = interpret only (default 64; results and timing are the same either way)")
      ("jit-sync", po::bool_switch(),
       "translate on the simulation's thread, not on a helper thread (results and timing are the same either way)")
      ("stats", po::value<std::string>()->value_name("FILE"),
       "write run statistics as JSON to FILE at exit")
      ("config", po::value<std::string>()->value_name("FILE"),
       "timing configuration (JSON; docs/timing.md): CPI, clock, latencies, quantum, hypervisor "
       "costs; a --stats report is accepted too and reproduces its run's configuration")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
       "override one configuration value, e.g. --set hyp.sbi_call=300 --set hart.clock_hz=2GHz (repeatable)")
      ("dump-config", po::bool_switch(), "print the effective configuration as JSON and exit")
      ("help-config", po::bool_switch(), "list every configuration key with its default and meaning, and exit")
      ("no-stdin", po::bool_switch(), "do not read stdin for the UART (for scripts and CI)")
      ("gdb", po::value<std::string>()->value_name("PORT"),
       "serve GDB's remote protocol on 127.0.0.1:PORT (0: any free port, printed); docs/debugging.md")
      ("gdb-1234,s", po::bool_switch(), "shorthand for --gdb 1234 (QEMU's -s)")
      ("wait-for-gdb,S", po::bool_switch(),
       "halt before the first instruction until GDB attaches (QEMU's -S; --gdb 1234 unless --gdb is given)")
      ("help,h", po::bool_switch(), "print this help and exit")
      ("version", po::bool_switch(), "print the version and exit");

  po::options_description console("Console (docs/running.md \"The console\")");
  console.add_options()
      ("serial", po::value<std::vector<std::string>>()->composing()->value_name("BACKEND"),
       "connect the console to stdio (default), pty, null, file:PATH, tcp:[HOST]:PORT[,server][,wait|nowait] "
       "or unix:PATH[,server][,wait|nowait] (HOST 127.0.0.1 by default, port 0: any free port); given twice "
       "with --hyp, the second is the host's UART")
      ("escape-char", po::value<std::string>()->value_name("KEY"),
       "the console's escape key on stdio (default a: Ctrl-A); Ctrl-A h lists the keys; none: no keys, "
       "Ctrl-C ends the run")
      ("serial-log", po::value<std::string>()->value_name("FILE"), "copy everything the guest prints to FILE")
      ("serial-log-timestamps", po::bool_switch(),
       "start each line of the --serial-log file with its simulated time in seconds")
      ("serial-drop-early", po::bool_switch(),
       "hardware-faithful input: bytes the FIFO cannot take before the guest's driver reads them, or that a FIFO "
       "reset clears, are lost (default: they wait for the driver)");

  po::options_description hyp("Hosted hypervisor (docs/hypervisor.md)");
  hyp.add_options()
      ("hyp", po::bool_switch(),
       "run --kernel as a guest of the hosted hypervisor in VS-mode (no --bios)")
      ("vm", po::value<std::vector<std::string>>()->composing()->value_name("SPEC"),
       "with --hyp, one VM: kernel=PATH and optionally mem=SIZE, smp=N (vCPUs), console=SPEC (as --serial), "
       "config=FILE.json, append=ARGS (last: it takes the rest, commas included), separated by commas; "
       "repeatable, up to 8 VMs sharing the --smp harts; instead of --kernel/--append/--initrd")
      ("guest-memory", po::value<std::string>()->value_name("SIZE"), "guest RAM at guest-physical 0x80000000 (default 128M)")
      ("disk", po::value<std::vector<std::string>>()->composing()->value_name("PATH[,ro]"),
       "with --hyp, a virtio-blk disk backed by the raw image PATH (/dev/vda, then vdb...; ',ro': read-only); "
       "repeatable; --vm takes disk= instead (docs/io.md)")
      ("virtio-rng", po::bool_switch(), "with --hyp, a virtio entropy device for the guest (docs/io.md)")
      ("hyp-costs", po::value<std::string>()->value_name("FILE"),
       "JSON file of hypervisor costs in cycles (see docs/hypervisor.md), overriding the defaults")
      ("hyp-prefault", po::bool_switch(), "map all guest RAM in the G-stage at VM start (default: on first touch)")
      ("no-guest-sstc", po::bool_switch(), "no Sstc for the guest: its timer goes through SBI set_timer")
      ("kvm-no-inst-access-redirect", po::bool_switch(),
       "behave as KVM did before Linux commit 51c58956732b: an instruction access fault stops the VM")
      ("strict-mmio", po::bool_switch(), "a guest access to an address with no device stops the VM")
      ("hyp-hedeleg", po::value<std::string>()->value_name("MASK"),
       "exceptions delegated to the guest (hedeleg), e.g. 0xb109 (default: KVM's set, 0xb109)")
      ("sbi-disable", po::value<std::vector<std::string>>()->composing()->value_name("EXT"),
       "switch an SBI extension off for the guest: base, time, ipi, rfence, hsm, srst, dbcn, legacy");

  po::options_description trace("Commit-log trace, in Spike's --log-commits format (docs/debugging.md)");
  trace.add_options()
      ("trace", po::bool_switch(), "write a line per retired instruction to stderr: pc, bits, registers written, "
       "memory accessed")
      ("trace-file", po::value<std::string>()->value_name("FILE"), "write the commit log to FILE instead of stderr")
      ("trace-disasm", po::bool_switch(),
       "add the symbol and disassembly (binutils) to each line, and a line per trap taken")
      ("trace-harts", po::value<std::string>()->value_name("LIST"), "trace only these harts, e.g. 0,2-3")
      ("trace-modes", po::value<std::string>()->value_name("MODES"),
       "trace only instructions run in these modes: M, S (or HS), U, VS, VU, e.g. VS,VU")
      ("trace-pc", po::value<std::string>()->value_name("LO:HI"), "trace only instructions at LO <= pc < HI")
      ("trace-from", po::value<std::string>()->value_name("N"),
       "trace from each hart's instruction N on (counted from 0, retired instructions)")
      ("trace-count", po::value<std::string>()->value_name("M"), "trace at most M instructions per hart");

  po::options_description reports("Reports (docs/reports.md)");
  reports.add_options()
      ("timeline", po::value<std::string>()->value_name("FILE"),
       "write a Chrome trace-event timeline (open in ui.perfetto.dev): hart modes, and with --hyp every "
       "exit per vCPU with its cause and cost")
      ("timeline-max-events", po::value<std::string>()->value_name("N"),
       "stop adding slices to the timeline after N (default 1000000); the file and stderr say so")
      ("vcd", po::value<std::string>()->value_name("FILE"),
       "write a VCD trace (GTKWave) of the interrupt lines, privilege mode, V, WFI and VS interrupts per hart")
      ("report", po::value<std::string>()->value_name("FILE"),
       "write a self-contained HTML report with plots (also: rvh-vp report STATS.json OUT.html)");

  po::options_description all;
  all.add(program).add(machine).add(run).add(console).add(trace).add(hyp).add(reports);
  return all;
}

std::string get(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

// The --trace-* filters (platform/trace_filter.h); each needs --trace or
// --trace-file, as does --trace-disasm.
void parse_trace_filter(const po::variables_map& vm, Options& o) {
  const bool tracing = o.trace || !o.trace_file.empty();
  for (const char* name : {"trace-harts", "trace-modes", "trace-pc", "trace-from", "trace-count"})
    if (vm.count(name) && !tracing)
      throw UsageError(std::string("--") + name + " needs --trace or --trace-file FILE");
  if (o.trace_disasm && !tracing) throw UsageError("--trace-disasm needs --trace or --trace-file FILE");
  auto filter_value = [&](const char* name, auto parse) {
    const std::string text = get(vm, name);
    try {
      parse(text);
    } catch (const TraceFilterError& e) {
      throw UsageError(std::string("--") + name + " " + text + ": " + e.what());
    }
  };
  TraceFilter& f = o.trace_filter;
  if (vm.count("trace-harts")) filter_value("trace-harts", [&](const std::string& t) { f.harts = parse_hart_list(t); });
  if (vm.count("trace-modes")) filter_value("trace-modes", [&](const std::string& t) { f.modes = parse_mode_list(t); });
  if (vm.count("trace-pc")) filter_value("trace-pc", [&](const std::string& t) { parse_pc_range(t, f.pc_lo, f.pc_hi); });
  if (vm.count("trace-from")) f.from = number_option("--trace-from", get(vm, "trace-from"));
  if (vm.count("trace-count")) {
    f.count = number_option("--trace-count", get(vm, "trace-count"));
    if (f.count == 0) throw UsageError("--trace-count 0: must be at least 1");
  }
}

// --serial (each a backend: platform/console_spec.h), --escape-char,
// --serial-log, --serial-log-timestamps, --serial-drop-early.
void parse_console_options(const po::variables_map& vm, Options& o) {
  if (vm.count("serial")) {
    for (const std::string& text : vm["serial"].as<std::vector<std::string>>()) {
      try {
        o.serial.push_back(parse_serial_spec(text));
      } catch (const ConsoleSpecError& e) {
        throw UsageError(std::string("--serial ") + e.what());
      }
    }
  }
  if (vm.count("escape-char")) {
    try {
      o.escape_char = parse_escape_char(get(vm, "escape-char"));
    } catch (const ConsoleSpecError& e) {
      throw UsageError(std::string("--escape-char ") + e.what());
    }
  }
  o.serial_log = get(vm, "serial-log");
  o.serial_log_timestamps = vm["serial-log-timestamps"].as<bool>();
  o.serial_drop_early = vm["serial-drop-early"].as<bool>();
  if (o.serial_log_timestamps && o.serial_log.empty())
    throw UsageError("--serial-log-timestamps needs --serial-log FILE");
  unsigned stdio = 0;
  for (const SerialSpec& s : o.serial) stdio += s.kind == SerialSpec::Kind::kStdio;
  if (stdio > 1) throw UsageError("--serial stdio: given twice; one console can have the terminal, "
                                  "give the other pty, tcp:..., unix:..., file:PATH or null");
}

}  // namespace

uint64_t parse_size(const std::string& text) {
  auto bad = [&]() { return UsageError(text + kSizeHint); };
  if (text.empty()) throw bad();

  // 0x-hex: bytes, no suffix.
  if (text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    uint64_t v;
    if (!parse_uint(text, v) || v == 0) throw bad();
    return v;
  }

  // digits [ . digits ] [ K|M|G|T [ B | iB ] | B ]
  size_t i = 0;
  unsigned __int128 mantissa = 0, scale = 1;
  size_t int_digits = 0, frac_digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    mantissa = mantissa * 10 + (text[i++] - '0');
    if (mantissa > UINT64_MAX) throw bad();
    ++int_digits;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (frac_digits >= 9) throw bad();
      mantissa = mantissa * 10 + (text[i++] - '0');
      scale *= 10;
      ++frac_digits;
    }
    if (frac_digits == 0) throw bad();
  }
  if (int_digits == 0) throw bad();

  unsigned __int128 unit = 1ull << 20;  // bare number: MiB, as QEMU's -m
  std::string suffix = text.substr(i);
  for (char& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (suffix == "B") {
    unit = 1;
  } else if (!suffix.empty()) {
    switch (suffix[0]) {
      case 'K': unit = 1ull << 10; break;
      case 'M': unit = 1ull << 20; break;
      case 'G': unit = 1ull << 30; break;
      case 'T': unit = 1ull << 40; break;
      default: throw bad();
    }
    const std::string tail = suffix.substr(1);
    if (!tail.empty() && tail != "B" && tail != "IB") throw bad();
  }
  unsigned __int128 bytes = mantissa * unit;
  if (bytes % scale != 0) throw bad();  // e.g. "1.1B"
  bytes /= scale;
  if (bytes == 0 || bytes > UINT64_MAX) throw bad();
  return static_cast<uint64_t>(bytes);
}

Options parse_options(int argc, char** argv) {
  po::options_description visible = visible_options();
  po::options_description all;
  all.add(visible);
  all.add_options()("elf", po::value<std::vector<std::string>>(), "bare-metal ELF");
  po::positional_options_description positional;
  positional.add("elf", -1);

  // Unix style plus QEMU's single-dash long options (-smp 4, -kernel x);
  // guessing off so that an abbreviation never silently picks an option.
  const int style = (po::command_line_style::unix_style | po::command_line_style::allow_long_disguise) &
                    ~po::command_line_style::allow_guessing;

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv)
                  .options(all)
                  .positional(positional)
                  .style(style)
                  .run(),
              vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    throw UsageError("unknown option '" + e.get_option_name() + "'; see --help");
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + "; see --help");
  }

  Options o;
  o.help = vm["help"].as<bool>();
  o.version = vm["version"].as<bool>();
  o.help_config = vm["help-config"].as<bool>();
  if (o.help || o.version || o.help_config) return o;

  o.bios = get(vm, "bios");
  o.kernel = get(vm, "kernel");
  o.initrd = get(vm, "initrd");
  o.append = get(vm, "append");
  o.dtb = get(vm, "dtb");
  o.dump_dtb = get(vm, "dump-dtb");
  o.stats = get(vm, "stats");
  o.timeline = get(vm, "timeline");
  o.vcd = get(vm, "vcd");
  o.report_html = get(vm, "report");
  for (const char* output : {"stats", "timeline", "vcd", "report", "dump-dtb", "trace-file", "serial-log"})
    if (vm.count(output) && get(vm, output).empty())
      throw UsageError(std::string("--") + output + " '': empty file name; give the path of the file to write");
  if (vm.count("timeline-max-events")) {
    o.timeline_max_events = number_option("--timeline-max-events", get(vm, "timeline-max-events"));
    if (o.timeline_max_events == 0) throw UsageError("--timeline-max-events 0: must be at least 1");
    if (o.timeline.empty()) throw UsageError("--timeline-max-events needs --timeline FILE");
  }
  o.trace = vm["trace"].as<bool>();
  o.trace_file = get(vm, "trace-file");
  o.trace_disasm = vm["trace-disasm"].as<bool>();
  parse_trace_filter(vm, o);
  o.no_stdin = vm["no-stdin"].as<bool>();
  parse_console_options(vm, o);
  o.wait_for_gdb = vm["wait-for-gdb"].as<bool>();
  if (vm.count("gdb")) {
    const uint64_t port = number_option("--gdb", get(vm, "gdb"));
    if (port > 65535) throw UsageError("--gdb " + get(vm, "gdb") + ": not a TCP port (0-65535)");
    o.gdb_port = static_cast<int>(port);
  } else if (vm["gdb-1234"].as<bool>() || o.wait_for_gdb) {
    o.gdb_port = 1234;
  }

  if (vm.count("elf")) {
    const auto& elfs = vm["elf"].as<std::vector<std::string>>();
    if (elfs.size() > 1)
      throw UsageError("more than one program given ('" + elfs[0] + "', '" + elfs[1] +
                       "'); pass one ELF");
    o.elf = elfs[0];
  }

  if (vm.count("memory")) {
    const std::string m = get(vm, "memory");
    try {
      o.memory = parse_size(m);
    } catch (const UsageError& e) {
      throw UsageError(std::string("-m ") + e.what());
    }
    if (o.memory > kMaxMemory) throw UsageError("-m " + m + ": too large; at most 64G");
    if (o.memory % 4096 != 0) throw UsageError("-m " + m + ": not a multiple of 4K");
  }
  if (vm.count("smp")) {
    const std::string s = get(vm, "smp");
    uint64_t n = number_option("--smp", s);
    if (n < 1 || n > kMaxHarts)
      throw UsageError("--smp " + s + ": out of range; use 1.." + std::to_string(kMaxHarts));
    o.smp = static_cast<unsigned>(n);
  }
  if (vm.count("trace-harts") && (o.trace_filter.harts >> o.smp) != 0)
    throw UsageError("--trace-harts " + get(vm, "trace-harts") + ": no such hart; with --smp " +
                     std::to_string(o.smp) + " the harts are 0.." + std::to_string(o.smp - 1));
  if (vm.count("max-insns")) o.max_insns = number_option("--max-insns", get(vm, "max-insns"));
  if (vm.count("jit-threshold")) {
    const std::string s = get(vm, "jit-threshold");
    const uint64_t n = number_option("--jit-threshold", s);
    if (n > 1'000'000'000) throw UsageError("--jit-threshold " + s + ": out of range; use 0..1000000000");
    o.jit_threshold = static_cast<unsigned>(n);
  }
  o.jit_async = !vm["jit-sync"].as<bool>();
  if (vm.count("max-time")) o.max_time_ns = parse_max_time(get(vm, "max-time"));
  if (vm.count("quantum")) {
    const uint64_t ns = number_option("--quantum", get(vm, "quantum"));
    if (ns == 0) throw UsageError("--quantum 0: must be at least 1 ns");
    o.config_sets.push_back("sim.quantum_ns=" + std::to_string(ns));
  }
  if (vm.count("quantum-insns")) {
    const uint64_t n = number_option("--quantum-insns", get(vm, "quantum-insns"));
    if (n == 0) throw UsageError("--quantum-insns 0: must be at least 1");
    o.config_sets.push_back("sim.quantum_insns=" + std::to_string(n));
  }
  o.config_file = get(vm, "config");
  if (vm.count("set"))
    for (const std::string& kv : vm["set"].as<std::vector<std::string>>()) {
      if (kv.find('=') == std::string::npos || kv[0] == '=')
        throw UsageError("--set " + kv + ": expected KEY=VALUE, e.g. --set hyp.sbi_call=300 (see --help-config)");
      o.config_sets.push_back(kv);
    }

  o.hyp = vm["hyp"].as<bool>();
  o.hyp_costs = get(vm, "hyp-costs");
  if (vm.count("vm")) {
    const auto& specs = vm["vm"].as<std::vector<std::string>>();
    if (specs.size() > kMaxVms)
      throw UsageError("--vm given " + std::to_string(specs.size()) + " times; at most " + std::to_string(kMaxVms) +
                       " VMs");
    for (const std::string& text : specs) o.vms.push_back(parse_vm_spec(text));
    if (!o.hyp) throw UsageError("--vm needs --hyp");
  }
  if (vm.count("disk"))
    for (const std::string& text : vm["disk"].as<std::vector<std::string>>())
      o.disks.push_back(parse_disk_spec(text, "--disk " + text));
  o.virtio_rng = vm["virtio-rng"].as<bool>();
  if ((!o.disks.empty() || o.virtio_rng) && !o.hyp)
    throw UsageError(std::string(o.disks.empty() ? "--virtio-rng" : "--disk") +
                     " needs --hyp: virtio devices are the hosted hypervisor's (docs/io.md)");
  if (o.disks.size() + o.virtio_rng > kMaxVirtioDevices)
    throw UsageError("too many virtio devices: at most " + std::to_string(kMaxVirtioDevices) + " --disk and --virtio-rng");
  o.dump_config = vm["dump-config"].as<bool>();
  if (o.dump_config) return o;  // prints the configuration; nothing is run
  o.hyp_prefault = vm["hyp-prefault"].as<bool>();
  o.guest_sstc = !vm["no-guest-sstc"].as<bool>();
  o.kvm_no_inst_access_redirect = vm["kvm-no-inst-access-redirect"].as<bool>();
  o.strict_mmio = vm["strict-mmio"].as<bool>();
  if (vm.count("sbi-disable")) {
    static const char* const kKnown[] = {"base", "time", "ipi", "rfence", "hsm", "srst", "dbcn", "legacy"};
    for (const std::string& ext : vm["sbi-disable"].as<std::vector<std::string>>()) {
      bool known = false;
      for (const char* k : kKnown) known |= ext == k;
      if (!known) throw UsageError("--sbi-disable " + ext + ": unknown extension; use base, time, ipi, rfence, hsm, srst, dbcn or legacy");
      o.sbi_disable.push_back(ext);
    }
  }
  if (vm.count("hyp-hedeleg")) {
    o.hyp_hedeleg = number_option("--hyp-hedeleg", get(vm, "hyp-hedeleg"));
    if (o.hyp_hedeleg == 0) throw UsageError("--hyp-hedeleg 0: leave the option out for KVM's default set");
  }
  if (vm.count("guest-memory")) {
    const std::string m = get(vm, "guest-memory");
    try {
      o.guest_memory = parse_size(m);
    } catch (const UsageError& e) {
      throw UsageError(std::string("--guest-memory ") + e.what());
    }
    if (o.guest_memory % (2ull << 20) != 0 || o.guest_memory > (16ull << 30))
      throw UsageError("--guest-memory " + m + ": use a multiple of 2M, at most 16G");
  }
  if (o.serial.size() > (o.hyp ? 2u : 1u))
    throw UsageError("--serial given " + std::to_string(o.serial.size()) + " times; the machine has " +
                     (o.hyp ? "two UARTs (the guest's, then the host's)" : std::string("one UART")));
  if (o.hyp) {
    if (!o.bios.empty() || !o.elf.empty())
      throw UsageError("--hyp runs --kernel as a guest; the hypervisor replaces the firmware (no --bios or ELF)");
    if (!o.vms.empty()) {  // --kernel, --append, --initrd: the single-VM shorthand
      for (const char* shorthand : {"kernel", "append"})
        if (vm.count(shorthand))
          throw UsageError(std::string("--") + shorthand + " cannot be combined with --vm; use kernel=/append= inside --vm");
      if (vm.count("initrd")) throw UsageError("--initrd cannot be combined with --vm; a --vm has no initrd");
      if (!o.disks.empty() || o.virtio_rng)
        throw UsageError(std::string(o.disks.empty() ? "--virtio-rng" : "--disk") +
                         " cannot be combined with --vm; use disk=PATH[,ro] / rng=on inside --vm");
    } else if (o.kernel.empty()) {
      throw UsageError("--hyp needs --kernel GUEST (an ELF or a raw image for 0x80200000), or --vm kernel=GUEST,...");
    }
    if (!o.dtb.empty()) throw UsageError("--dtb is not used with --hyp: the hypervisor generates the guest's device tree");
    return o;
  }
  if (!o.elf.empty() && !o.bios.empty())
    throw UsageError("both an ELF ('" + o.elf + "') and --bios given; run one program: "
                     "an ELF in M-mode, or firmware with --bios");
  if (!o.elf.empty() && !o.kernel.empty())
    throw UsageError("--kernel is for firmware started with --bios, not with a bare-metal ELF");
  if (!o.kernel.empty() && o.bios.empty())
    throw UsageError("--kernel needs --bios (the firmware that jumps to it, e.g. OpenSBI fw_jump.elf)");
  if (!o.initrd.empty() && o.kernel.empty()) throw UsageError("--initrd needs --kernel");
  if (!o.append.empty() && !o.dtb.empty())
    throw UsageError("--append cannot be used with --dtb; put bootargs in the DTB's /chosen node");
  if (o.elf.empty() && o.bios.empty())
    throw UsageError("no program given; pass a bare-metal ELF, or --bios FILE; see --help");
  return o;
}

std::string usage_text(const std::string& program_name) {
  std::ostringstream os;
  os << "Usage: " << program_name << " [options] PROGRAM.elf\n"
     << "       " << program_name << " [options] --bios FIRMWARE [--kernel IMAGE [--initrd FILE]]\n"
     << "       " << program_name << " [options] --hyp --kernel GUEST [--append ARGS]\n"
     << "       " << program_name << " [options] --hyp --vm " << kVmSyntax << " [--vm ...] [--smp HARTS]\n"
     << "       " << program_name << " compare A.json B.json      two --stats reports side by side\n"
     << "       " << program_name << " report STATS.json OUT.html the HTML report of a --stats file\n\n"
     << "rvh-vp: a SystemC RISC-V (RV64GC) virtual platform with a QEMU virt-like memory map.\n"
     << "A bare-metal PROGRAM.elf runs in M-mode from its entry point; --bios firmware starts\n"
     << "from the boot ROM like QEMU's virt. Long options also work with one dash (-smp 4).\n"
     << visible_options() << "\n"
     << "Examples:\n"
     << "  " << program_name << " hello.elf\n"
     << "  " << program_name << " -m 256M --smp 2 --bios fw_jump.elf --kernel u-boot.bin\n"
     << "  " << program_name << " --hyp --smp 1 --vm kernel=u-boot.bin \\\n"
     << "      --vm 'kernel=Image,mem=256M,smp=2,console=file:vm1.log,append=console=ttyS0 earlycon'\n";
  return os.str();
}


}  // namespace rvh
