// hyp/vm.h: one virtual machine of the hosted hypervisor: guest RAM carved
// out of host RAM and mapped through G-stage page tables that live in
// simulated RAM (so the hart's two-stage walk is real), a per-VM bus with a
// virtual 16550 UART (0x10000000) and a virtual PLIC (0xc000000), a guest
// device tree, the SBI table, its VMID, and its vCPUs, which the scheduler
// (hyp/scheduler.h) puts on the harts. Several VMs share the harts; nothing
// of one VM is reachable from another.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "cpu/hart.h"
#include "hyp/costs.h"
#include "hyp/sbi.h"
#include "hyp/scheduler.h"
#include "hyp/vcpu.h"

namespace rvh {
class Plic;
class Uart16550;
}  // namespace rvh

namespace rvh::hyp {
namespace virtio {
class GuestMemory;
class MmioTransport;
}  // namespace virtio

// A virtio-blk disk of a VM (--disk, --vm ...,disk=PATH[,ro]).
struct VirtioDiskSpec {
  std::string path;
  bool read_only = false;
};

// A device of the SoC assigned to the VM (docs/io.md "Device assignment"):
// its MMIO range is mapped 1:1 into the guest's G-stage, so the guest's
// accesses reach the device with no exit, and its PLIC source's physical
// interrupt is forwarded to the same source of the VM's virtual PLIC.
struct AssignedDevice {
  std::string name;
  uint64_t base = 0, size = 0;  // host-physical = guest-physical
  unsigned plic_source = 0;     // 0: no interrupt
};

struct VmConfig {
  uint64_t guest_ram_base = 0x80000000;     // guest-physical
  uint64_t guest_ram_size = 128ull << 20;   // --guest-memory
  unsigned num_vcpus = 1;
  bool sstc = true;             // guest programs vstimecmp itself (henvcfg.STCE)
  bool prefault = false;        // map all guest RAM at VM creation instead of on first touch
  bool redirect_inst_access_fault = true;  // false: KVM before 51c58956732b (VM stops)
  bool strict_mmio = false;     // an access to a GPA with no device stops the VM
  // The virtual UART's early input is hardware-faithful (--serial-drop-early;
  // peripherals/uart16550.h). Its host end, a console, is attached by the
  // platform (platform/console.h).
  bool uart_drop_early = false;
  uint64_t hedeleg = 0;         // 0: KVM's default set
  std::vector<std::string> disabled_sbi;   // extension names switched off
  HypCosts costs;
  uint16_t vmid = 1;
  // virtio-mmio devices (docs/io.md): disks first, then the entropy device,
  // at 0x10001000 + 0x1000*n with PLIC source 1 + n (as QEMU virt).
  std::vector<VirtioDiskSpec> disks;
  bool virtio_rng = false;
  std::vector<AssignedDevice> assigned;
  uint64_t hart_clock_hz = 1'000'000'000;  // converts device cycles to time
  std::string name;                        // "vm1" with several VMs (messages); empty with one
};

// KVM's hedeleg default: misaligned fetch, breakpoint, U-mode ecall,
// instruction/load/store page faults.
uint64_t kvm_default_hedeleg();

// What a G-stage mapping request came to (Vm::map_gpa, Vm::map_hole).
enum class GstageMap {
  kMapped,
  kPoolExhausted,  // no page left in the page-table pool for a table
  kBeyondReach,    // the GPA is not below 2^41: Sv39x4 cannot translate it
  kSizeConflict,   // the walk met a leaf where it needs a table, or a table
                   // where the leaf goes: nothing was written
};
// One line for a failed request, e.g. "G-stage page-table pool exhausted".
const char* describe(GstageMap result);

// Host physical memory the VM may use: its G-stage page tables and guest RAM.
struct HostWindow {
  uint8_t* host = nullptr;  // host pointer of hpa_base
  uint64_t hpa_base = 0;
  uint64_t size = 0;
};

struct VmStopInfo {
  bool stopped = false;
  int exit_code = 0;
  std::string reason;
};

class Vm : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Vm);
  // The VM's host window must not overlap another VM's; config.vmid is
  // the scheduler's vmid_for() the VM's index.
  Vm(sc_core::sc_module_name name, const VmConfig& config, const HostWindow& window, Scheduler& scheduler);
  ~Vm() override;

  // Host RAM the VM needs for guest RAM of `guest_ram_size` bytes.
  static uint64_t host_bytes_needed(uint64_t guest_ram_size);

  const VmConfig& config() const { return config_; }
  // Run-time switches (tests, tools): redirect_inst_access_fault, strict_mmio
  // and costs take effect at the next exit. The others (guest RAM, vCPUs,
  // sstc, prefault, hedeleg, disabled_sbi, vmid) are applied at creation;
  // changing them here has no effect.
  VmConfig& mutable_config() { return config_; }
  unsigned num_vcpus() const { return static_cast<unsigned>(vcpus_.size()); }
  Vcpu& vcpu(unsigned i) { return *vcpus_.at(i); }
  SbiDispatcher& sbi() { return sbi_; }

  // vCPU 0 starts at `entry` in VS-mode with a0 = 0, a1 = dtb_gpa; the other
  // vCPUs stay stopped until SBI HSM starts them.
  void boot(uint64_t entry, uint64_t dtb_gpa);

  // --- guest memory ---
  bool is_guest_ram(uint64_t gpa, uint64_t len) const;
  bool read_guest_physical(uint64_t gpa, void* buf, uint64_t len);
  bool write_guest_physical(uint64_t gpa, const void* buf, uint64_t len);
  // G-stage mapping of the page or block around a guest-RAM gpa.
  GstageMap map_gpa(uint64_t gpa);
  // For a fetch from a gpa with nothing behind it: maps the largest G-stage
  // block around it that holds no guest RAM (1 GiB, 2 MiB or 4 KiB) to a
  // host-physical hole, execute-only. A fetch anywhere in it then raises an
  // instruction access fault; loads and stores still fault to the
  // hypervisor (MMIO), as if the block were not mapped. One leaf serves all
  // the holes of a block, so the pool is not used up by distinct addresses.
  GstageMap map_hole(uint64_t gpa);
  // The G-stage (hgatp mode Sv39x4) translates guest-physical addresses
  // below 2^41; a guest access beyond is a guest-page fault by the hart.
  static constexpr unsigned kGstageGpaBits = 41;
  static bool gstage_reaches(uint64_t gpa) { return (gpa >> kGstageGpaBits) == 0; }
  uint64_t gstage_root() const { return hgatp_root_; }

  // --- devices (the per-VM bus): data in guest byte order ---
  // False if no device claims `gpa` (reads return 0, writes are dropped).
  bool mmio_access(uint64_t gpa, uint8_t* data, unsigned len, bool write, sc_core::sc_time& delay,
                   bool& is_kernel_device);
  // Names an access to a gpa with no device on stderr, once per address and
  // for the first kUnmappedReports addresses only (then one line says that
  // later ones are not reported). False if the access went unreported
  // because of that limit (counted in unmapped_mmio_unreported).
  static constexpr unsigned kUnmappedReports = 16;
  bool report_unmapped(uint64_t gpa, bool write);
  // "uart", "plic", or null for a gpa no device of the VM claims.
  const char* device_name(uint64_t gpa) const;
  void console_write(const uint8_t* data, size_t len);
  int console_read();  // -1 when no input is waiting
  Uart16550& uart() { return *uart_; }

  // --- virtio devices (hyp/vm_virtio.cpp; docs/io.md) ---
  static constexpr uint64_t kVirtioBase = 0x10001000, kVirtioStride = 0x1000;
  struct VirtioWindow {
    uint64_t base;
    uint64_t size;
    unsigned plic_source;
    std::string kind;  // "blk", "rng"
  };
  // One per device, in address order (disks, then the entropy device).
  std::vector<VirtioWindow> virtio_windows() const;
  // Writes what the devices hold back (a disk's unflushed writes) to the
  // host: when the VM stops, and when the run ends. Idempotent.
  void shutdown_devices();
  // [{"device": "blk", "base": ..., "notifications": ...}, ...]; empty without devices.
  nlohmann::json virtio_stats_json() const;

  // --- assigned devices (hyp/vm_assigned.cpp) ---
  // The host took source's physical interrupt (hyp/assigned_irq.h): it goes
  // to the VM's virtual PLIC until the guest claims it; when the guest
  // completes it, complete_host_irq(source) lets the physical one re-arm.
  void inject_assigned_irq(unsigned source);
  std::function<void(unsigned)> complete_host_irq;
  uint64_t assigned_irqs() const { return assigned_irqs_; }

  // Whether the hypervisor itself can still wake blocked vCPU v
  // (hyp/vcpu_wake.cpp; the platform's stuck-run check asks).
  bool can_wake_vcpu(Vcpu& v) const;

  // --- lifecycle ---
  void stop(int exit_code, const std::string& reason);
  const VmStopInfo& stop_info() const { return stop_; }
  // Tests: forget a stop so that the next stop() is reported again (the
  // harts stay halted; the caller resets them).
  void clear_stop() { stop_ = VmStopInfo{}; }
  std::function<void(int, const std::string&)> on_stop;  // the platform is told (then the scheduler)

  uint64_t timebase_hz = 10'000'000;
  std::string name;  // "vm0", "vm1"... with several VMs (reports); empty with one
  nlohmann::json stats_json();
  // The VM-wide counters a benchmark region records the change of
  // (platform/marker_regions.h): exits, hyp_cycles, by_cause, cost_cycles,
  // sbi_calls, interrupts_injected, summed over every vCPU.
  nlohmann::json region_counters();
  void print_stats(std::ostream& out);

 private:
  VmConfig config_;
  HostWindow window_;
  uint64_t guest_ram_hpa_ = 0;
  uint64_t pt_next_ = 0, pt_end_ = 0;  // page-table pool (host physical)
  uint64_t hgatp_root_ = 0;
  SbiDispatcher sbi_;
  std::vector<std::unique_ptr<Vcpu>> vcpus_;
  Scheduler& scheduler_;
  VmStopInfo stop_;
  std::set<uint64_t> reported_unmapped_;  // at most kUnmappedReports

  // Per-VM devices: the address decoding of the VM's bus is mmio_access().
  std::unique_ptr<Uart16550> uart_;
  std::unique_ptr<Plic> plic_;
  tlm_utils::simple_initiator_socket<Vm> uart_socket_, plic_socket_;
  sc_core::sc_vector<sc_core::sc_signal<bool>> plic_sources_, plic_contexts_;
  void plic_context_changed();
  // Virtual PLIC source lines the hypervisor drives (virtio devices, assigned
  // devices) are written from several threads (a device's, the hart's, the
  // host interrupt's): each sets the level it wants here, and one method,
  // drive_virtual_lines, writes the signals a delta cycle later.
  std::vector<bool> line_request_;
  sc_core::sc_event lines_event_;
  void set_virtual_line(unsigned source, bool level);
  void drive_virtual_lines();
  std::unique_ptr<virtio::GuestMemory> guest_memory_;
  std::vector<std::unique_ptr<virtio::MmioTransport>> virtio_;
  void create_virtio_devices();
  std::set<unsigned> assigned_in_service_;  // injected, not yet completed by the guest
  uint64_t assigned_irqs_ = 0;
  void map_assigned_devices();
  bool is_assigned_source(unsigned source) const;
  // The guest claimed or completed `source` at its virtual PLIC (mmio_access).
  void virtual_plic_claim_or_complete(uint64_t offset, uint32_t value, bool write);
  // The access if `gpa` is in a virtio window (false otherwise).
  bool virtio_access(uint64_t gpa, uint8_t* data, unsigned len, bool write, const sc_core::sc_time& delay);
  const char* virtio_device_name(uint64_t gpa) const;

  uint64_t alloc_table_page(uint64_t bytes);
  uint64_t& pte_at(uint64_t hpa);
  bool overlaps_guest_ram(uint64_t gpa, uint64_t len) const;
  GstageMap gstage_map(uint64_t gpa, uint64_t hpa, unsigned level, uint64_t leaf_flags);
  GuestContext initial_context() const;
};

}  // namespace rvh::hyp
