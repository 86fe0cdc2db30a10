// platform/soc.h: the QEMU virt-compatible SoC: harts, bus, boot ROM, RAM,
// CLINT, PLIC, 16550 UART, test finisher and (for ELFs that have tohost)
// HTIF, wired with SystemC signals. docs/memory-map.md has the map.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "cpu/hart.h"
#include "peripherals/clint.h"
#include "peripherals/plic.h"
#include "peripherals/test_finisher.h"
#include "peripherals/uart16550.h"
#include "platform/bus.h"
#include "platform/commit_log.h"
#include "platform/config.h"
#include "platform/htif.h"
#include "platform/loader.h"
#include "platform/memory.h"
#include "platform/timing_config.h"
#include "hyp/assigned_irq.h"
#include "hyp/vm.h"

namespace rvh {

class OutputFile;
class Console;

struct SocParams {
  PlatformConfig config;  // its hart_clock_hz and timebase_hz are taken from `timing`
  TimingConfig timing;    // clock, CPI, quantum, latencies, hypervisor costs
  uint64_t max_insns = 0;  // per hart, 0 = unlimited
  unsigned jit_threshold = 64;  // HartConfig::jit_threshold (cpu/block_jit.h); 0 = interpreter only
  bool jit_async = true;        // HartConfig::jit_async: translate on a helper thread (cpu/jit_worker.h)
  // The commit log of every hart on stderr (Spike's --log-commits format;
  // rvh-vp's --trace, which has more settings: platform/commit_log.h).
  bool trace = false;
  // UART0's console on the host's stdin and stdout (platform/console.h): a
  // terminal is put in raw mode with Ctrl-A as the escape key (Ctrl-A x
  // ends the run). False: no input, output to stdout; rvh-vp's main sets it
  // false and connects its own consoles (--serial).
  bool read_stdin = true;
  bool serial_drop_early = false;  // UART0's early input is hardware-faithful (peripherals/uart16550.h)
  // End the run (reason "stuck", exit status kExitStuck) when every hart
  // waits for an interrupt that nothing can raise any more
  // (platform/wake_check.cpp). Library users who resume the simulation
  // from sc_main (e.g. with Uart16550::push_input) may switch it off.
  bool stop_when_stuck = true;
};

// How Soc::attach_device describes a user device in the device tree.
struct DeviceTreeEntry {
  std::vector<std::string> compatible;  // empty: not in the device tree
  unsigned plic_source = 0;             // its "interrupts" cell, 0 = none
};

// Why the simulation ended.
struct RunResult {
  int exit_code = 0;
  // "pass", "fail", "reset", "htif", "insn-limit", "stuck"; rvh-vp's main
  // adds "time-limit", "SIGINT" and "SIGTERM" (docs/running.md).
  std::string reason;
};

// Exit status of a run that ended because no hart could ever wake.
constexpr int kExitStuck = 4;

class Soc : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Soc);
  Soc(sc_core::sc_module_name name, const SocParams& params);
  ~Soc() override;

  // Boot as QEMU virt does: firmware at the start of RAM, the kernel (if any)
  // at 0x80200000 (raw) or at its ELF addresses; all harts start in the boot
  // ROM with a0 = hart id, a1 = DTB address.
  void load_firmware(const std::string& bios, const std::string& kernel, const std::string& initrd);
  // Bare-metal ELF: all harts start at its entry in M-mode (Spike style).
  void load_bare_elf(const std::string& path);
  // Hosted hypervisor (platform/hyp_boot.cpp): the harts run the vCPUs of
  // one or more VMs (hyp/scheduler.h); each VM's `kernel` is loaded into its
  // guest memory with a generated guest DTB. With several VMs the run ends
  // when every VM has stopped (exit status: the first non-zero VM status).
  struct VmBoot {
    hyp::VmConfig config;
    std::string kernel, bootargs;
  };
  void start_hypervisor(const hyp::HypCosts& platform_costs, const std::vector<VmBoot>& vms);
  void start_hypervisor(const hyp::VmConfig& vm_config, const std::string& kernel, const std::string& bootargs) {
    start_hypervisor(vm_config.costs, {VmBoot{vm_config, kernel, bootargs}});
  }
  // Host RAM the VMs need: the host's first 2 MiB, then each VM's window.
  static uint64_t host_ram_for_vms(const std::vector<uint64_t>& guest_ram_sizes);
  hyp::Vm* vm() { return vms_.empty() ? nullptr : vms_.front().get(); }  // the first VM
  std::vector<std::unique_ptr<hyp::Vm>>& vms() { return vms_; }
  hyp::Scheduler* scheduler() { return scheduler_.get(); }
  // The symbols of VM i's image (the first VM's are symbols()).
  const SymbolTable& vm_symbols(size_t i) const { return i < vm_symbols_.size() ? vm_symbols_[i] : symbols_; }

  // Device tree: generated from the configuration unless dtb_file is given;
  // also written to dump_path if not empty, or to `dump` if not null
  // (--dump-dtb, opened before the run; platform/file_io.h).
  void place_device_tree(const std::string& dtb_file, const std::string& dump_path);
  void place_device_tree(const std::string& dtb_file, OutputFile* dump);

  // User devices (docs/library.md). Call from sc_main after constructing the
  // Soc and before sc_start(). attach_device maps [base, base + size) on the
  // system bus to `socket` (the device sees offsets from base) and records it
  // in config().user_devices; with dt.compatible set, the generated device
  // tree describes it as /soc/<name>@<base>. Throws std::invalid_argument for
  // a bad name, an empty or wrapping range, a range overlapping a mapped
  // region (RAM included), or a bad dt.plic_source.
  void attach_device(const std::string& name, uint64_t base, uint64_t size, tlm::tlm_target_socket<>& socket,
                     const DeviceTreeEntry& dt = {});
  // The line into PLIC source n (1..95 except 10, UART0's): bind a device's
  // sc_core::sc_out<bool> interrupt output to it (one writer per line).
  // Throws std::invalid_argument for another n.
  sc_core::sc_signal<bool>& plic_source(unsigned n);
  // Device assignment (docs/io.md): gives the device attached as `name` to
  // VM `vm` (its index in start_hypervisor's list), which must come after.
  // Its range is mapped 1:1 into the VM's G-stage and described in its
  // device tree; its PLIC source reaches the VM's virtual PLIC through the
  // hypervisor. Throws std::invalid_argument for a name attach_device did
  // not map or a device already assigned.
  void assign_device(const std::string& name, unsigned vm = 0);

  const RunResult& result() const { return result_; }
  void finish(int code, const std::string& reason);

  std::vector<std::unique_ptr<Hart>>& harts() { return harts_; }
  // Hart h's interrupt lines MSIP, MTIP, MEIP, SEIP and a PLIC source line (for --vcd).
  std::array<const sc_core::sc_signal<bool>*, 4> irq_lines(unsigned h) const {
    return {&msip_[h], &mtip_[h], &meip_[h], &seip_[h]};
  }
  const sc_core::sc_signal<bool>& plic_source_line(unsigned source) const { return plic_sources_[source]; }
  const PlatformConfig& config() const { return params_.config; }
  Memory& ram() { return ram_; }
  Uart16550& uart() { return uart_; }
  const SymbolTable& symbols() const { return symbols_; }

 private:
  SocParams params_;
  Bus bus_;
  Memory rom_;
  Memory ram_;
  Clint clint_;
  Plic plic_;
  Uart16550 uart_;
  TestFinisher finisher_;
  std::unique_ptr<Htif> htif_;
  std::vector<std::unique_ptr<Hart>> harts_;
  std::unique_ptr<hyp::Scheduler> scheduler_;
  std::vector<std::unique_ptr<hyp::Vm>> vms_;
  std::vector<SymbolTable> vm_symbols_;
  std::vector<std::pair<std::string, unsigned>> assignments_;  // assign_device: (device, VM index)
  std::unique_ptr<hyp::AssignedIrqForwarder> assigned_irq_;
  void assign_devices_to(unsigned vm_index, hyp::VmConfig& config) const;
  void describe_assigned(const hyp::VmConfig& config, PlatformConfig& guest) const;
  void forward_assigned_irqs();

  sc_core::sc_vector<sc_core::sc_signal<bool>> msip_, mtip_, meip_, seip_;
  sc_core::sc_vector<sc_core::sc_signal<bool>> plic_sources_;

  SymbolTable symbols_;
  uint64_t start_address_ = 0;
  RunResult result_;
  bool finished_ = false;
  unsigned harts_at_limit_ = 0;
  std::unique_ptr<Console> console_;  // SocParams::read_stdin
  void start_of_simulation() override;
  // SocParams::trace's commit log; declared after the harts and the
  // symbols it uses, so that it is destroyed first.
  std::unique_ptr<CommitLog> commit_log_;

  // Stuck-run check (platform/wake_check.cpp): a waiting hart asks for it,
  // it runs once things have settled and ends the run if no hart can wake.
  sc_core::sc_event wake_check_event_;
  std::vector<bool> user_plic_sources_;  // sources handed out by plic_source()
  void init_wake_check();
  void check_wake_sources();
  bool hart_can_wake(unsigned h, const HartWaitInfo& w) const;
  bool plic_context_can_fire(unsigned ctx) const;
  bool mtime_can_reach(uint64_t value) const;
  void report_stuck(const std::vector<HartWaitInfo>& waits) const;

  MemoryWriter ram_writer();
  void write_boot_rom(uint64_t start);
};

}  // namespace rvh
