// platform/options.h: the rvh-vp command line (Boost.Program_options), with
// QEMU's spellings where QEMU has the same option (-m 256M, -smp 4, -bios,
// -kernel, -append, -initrd, -dtb work with one dash as in QEMU, or two).
// docs/options.md documents every option.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "platform/console_spec.h"
#include "platform/trace_filter.h"
#include "platform/vm_spec.h"

namespace rvh {

// A bad command line. what() is one line naming the option and the fix, e.g.
// "-m 12Q: bad size; use e.g. 128M, 1G". main prints it and exits with 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Options {
  // What to run: either a bare-metal ELF (positional, runs in M-mode from its
  // entry) or firmware (--bios, run from the boot ROM like QEMU virt) with an
  // optional --kernel / --initrd for it to boot. Exactly one of `elf` and
  // `bios` is non-empty after a successful parse (unless help/version).
  std::string elf;     // positional ELF
  std::string bios;    // --bios FILE (ELF or raw binary)
  std::string kernel;  // --kernel FILE (needs --bios)
  std::string initrd;  // --initrd FILE (needs --kernel)
  std::string append;  // --append STR: /chosen/bootargs
  std::string dtb;     // --dtb FILE: use this DTB instead of generating one
  std::string dump_dtb;  // --dump-dtb FILE: write the DTB and continue

  uint64_t memory = 128ull << 20;  // -m / --memory SIZE, bytes
  unsigned smp = 1;                // --smp N, 1..8

  uint64_t max_insns = 0;        // --max-insns N per hart; 0 = unlimited
  unsigned jit_threshold = 64;   // --jit-threshold N: block runs before translation; 0 = never
  bool jit_async = true;         // false: --jit-sync (translate on the simulation's thread)
  uint64_t max_time_ns = 0;      // --max-time TIME: simulated time limit in ns; 0 = none
  std::string stats;             // --stats FILE: JSON statistics at exit
  // Reports (docs/reports.md).
  std::string timeline;          // --timeline FILE.json: Chrome trace-event / Perfetto timeline
  uint64_t timeline_max_events = 1'000'000;  // --timeline-max-events N: slices written at most
  std::string vcd;               // --vcd FILE: VCD of interrupt lines, privilege mode and V
  std::string report_html;       // --report FILE.html: self-contained HTML report
  // Timing configuration (platform/timing_config.h, docs/timing.md), applied
  // in this order over the defaults: --config FILE, then the assignments in
  // config_sets (the older single-purpose options --quantum, --quantum-insns
  // and --hyp-costs become assignments there, before those of --set).
  std::string config_file;               // --config FILE.json (or a --stats report)
  std::vector<std::string> config_sets;  // "key=value", in order
  std::string hyp_costs;                 // --hyp-costs FILE.json: keys under hyp.
  bool dump_config = false;              // --dump-config: print the effective configuration as JSON, exit
  bool help_config = false;              // --help-config: list every key with its meaning, exit
  // Commit-log trace (docs/debugging.md "Commit-log trace"): --trace to
  // stderr, --trace-file FILE instead; --trace-disasm adds disassembly,
  // symbols and Spike's exception lines; the filters need one of the two.
  bool trace = false;            // --trace
  std::string trace_file;        // --trace-file FILE
  bool trace_disasm = false;     // --trace-disasm
  TraceFilter trace_filter;      // --trace-harts, --trace-modes, --trace-pc, --trace-from, --trace-count
  bool no_stdin = false;         // --no-stdin: UART input is not read from stdin
  // The consoles (platform/console.h, docs/running.md "The console").
  // --serial, repeatable: serial0 is the console (UART0, or with --hyp the
  // guest's virtual UART), serial1 with --hyp the host's UART0. Empty: stdio.
  std::vector<SerialSpec> serial;
  int escape_char = 1;               // --escape-char: Ctrl-A; -1 none
  bool serial_drop_early = false;    // --serial-drop-early
  std::string serial_log;            // --serial-log FILE: what serial0's guest prints
  bool serial_log_timestamps = false;  // --serial-log-timestamps
  int gdb_port = -1;             // --gdb PORT, -s (1234); -1 = no GDB stub
  bool wait_for_gdb = false;     // -S: halt before the first instruction until GDB attaches

  // Hosted hypervisor (--hyp): --kernel is the guest, run in VS-mode.
  bool hyp = false;
  uint64_t guest_memory = 128ull << 20;  // --guest-memory SIZE
  bool hyp_prefault = false;             // --hyp-prefault: map all guest RAM at start
  bool guest_sstc = true;                // --no-guest-sstc: SBI set_timer instead of vstimecmp
  bool kvm_no_inst_access_redirect = false;  // --kvm-no-inst-access-redirect (pre-51c58956732b)
  bool strict_mmio = false;              // --strict-mmio
  std::vector<std::string> sbi_disable;  // --sbi-disable EXT (repeatable)
  uint64_t hyp_hedeleg = 0;              // --hyp-hedeleg MASK (0: KVM's default)
  // --vm SPEC, repeatable (platform/vm_spec.h): one VM each, in order, on
  // --smp harts. Needs --hyp; replaces the single-VM shorthand (--kernel,
  // --append, --initrd). Empty: the shorthand's one VM.
  std::vector<VmSpec> vms;
  // --disk PATH[,ro] (repeatable) and --virtio-rng: the single-VM
  // shorthand's virtio devices (docs/io.md); --vm takes disk=/rng= instead.
  std::vector<VmSpec::Disk> disks;
  bool virtio_rng = false;

  bool help = false;     // --help / -h: print usage_text() and exit 0
  bool version = false;  // --version: print version_text() and exit 0
};

constexpr unsigned kMaxHarts = 8;
constexpr uint64_t kMaxMemory = 64ull << 30;  // 64 GiB

// Parses argv. Throws UsageError for unknown options, bad numbers or sizes,
// --smp outside 1..kMaxHarts, no program, conflicting options (an ELF and
// --bios, --kernel without --bios, --initrd without --kernel, --append with
// --dtb, --vm without --hyp or with --kernel/--append/--initrd), more than
// kMaxVms --vm, or more than one positional ELF. With --help or --version it
// returns at once with that flag set and nothing else checked.
Options parse_options(int argc, char** argv);

// Parses a memory size the way QEMU's -m does: a bare decimal number is MiB
// ("512" = 512 MiB); a suffix K, M, G or T (any case, optional "B"/"iB")
// scales by 2^10.. ("128M", "1G", "1.5G", "64KiB"); a 0x hex number is bytes
// ("0x8000000" = 128 MiB). The result must be a whole number of bytes and
// non-zero. Throws UsageError("12Q: bad size; use e.g. 128M, 1G").
uint64_t parse_size(const std::string& text);

// The --help text (every option, with defaults) and the --version line.
std::string usage_text(const std::string& program_name);
std::string version_text();  // defined in platform/provenance.cpp

}  // namespace rvh
