// hyp/vm.h: one virtual machine of the hosted hypervisor: guest RAM carved
// out of host RAM and mapped through G-stage page tables that live in
// simulated RAM (so the hart's two-stage walk is real), a per-VM bus with a
// virtual 16550 UART (0x10000000) and a virtual PLIC (0xc000000), a guest
// device tree, the SBI table, and one Vcpu per hart.
#pragma once
#include <cstdint>
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
#include "hyp/vcpu.h"

namespace rvh {
class Memory;
class Bus;
class Plic;
class Uart16550;
}  // namespace rvh

namespace rvh::hyp {

struct VmConfig {
  uint64_t guest_ram_base = 0x80000000;     // guest-physical
  uint64_t guest_ram_size = 128ull << 20;   // --guest-memory
  unsigned num_vcpus = 1;
  bool sstc = true;             // guest programs vstimecmp itself (henvcfg.STCE)
  bool prefault = false;        // map all guest RAM at VM creation instead of on first touch
  bool redirect_inst_access_fault = true;  // false: KVM before 51c58956732b (VM stops)
  bool strict_mmio = false;     // an access to a GPA with no device stops the VM
  uint64_t hedeleg = 0;         // 0: KVM's default set
  std::string bootargs;
  std::vector<std::string> disabled_sbi;   // extension names switched off
  HypCosts costs;
  uint16_t vmid = 1;
};

// KVM's hedeleg default (kvm_arch_vcpu_create / KVM_HEDELEG_DEFAULT).
uint64_t kvm_default_hedeleg();

struct VmStopInfo {
  bool stopped = false;
  int exit_code = 0;
  std::string reason;
};

class Vm : public sc_core::sc_module {
 public:
  // host_ram: the host RAM model at host physical address host_ram_base;
  // the VM takes guest RAM and its page-table pool from [pool_base, pool_end).
  Vm(sc_core::sc_module_name name, const VmConfig& config, Memory& host_ram, uint64_t host_ram_base,
     uint64_t pool_base, uint64_t pool_end, const std::vector<Hart*>& harts);
  ~Vm() override;

  const VmConfig& config() const { return config_; }
  unsigned num_vcpus() const { return static_cast<unsigned>(vcpus_.size()); }
  Vcpu& vcpu(unsigned i) { return *vcpus_.at(i); }
  SbiDispatcher& sbi() { return sbi_; }

  // Loads the guest image (ELF by physical address, or raw at 0x80200000)
  // and the guest DTB; vCPU 0 starts at the entry, the others stay stopped.
  void load_guest(const std::string& kernel_path);
  uint64_t dtb_address() const { return dtb_gpa_; }
  std::vector<uint8_t> guest_device_tree() const;

  // --- guest memory ---
  bool is_guest_ram(uint64_t gpa, uint64_t len) const;
  bool read_guest_physical(uint64_t gpa, void* buf, uint64_t len);
  bool write_guest_physical(uint64_t gpa, const void* buf, uint64_t len);
  uint64_t host_physical(uint64_t gpa) const;  // for RAM GPAs
  // G-stage: maps the page (or 2 MiB / 1 GiB block) around gpa; false if not RAM.
  bool map_gpa(uint64_t gpa);

  // --- devices (per-VM bus); data in guest byte order ---
  // Returns false for an address with no device (reads 0, writes ignored).
  bool mmio_access(uint64_t gpa, uint8_t* data, unsigned len, bool write, sc_core::sc_time& delay,
                   bool& is_kernel_device);
  void console_write(const uint8_t* data, size_t len);
  int console_read();  // -1 when no input is waiting

  // --- lifecycle ---
  void stop(int exit_code, const std::string& reason);
  const VmStopInfo& stop_info() const { return stop_; }
  std::function<void(int, const std::string&)> on_stop;  // the platform ends the run

  uint64_t htimedelta() const { return htimedelta_; }
  std::function<uint64_t(const sc_core::sc_time&)> read_mtime;  // platform mtime
  uint64_t timebase_hz = 10'000'000;

  nlohmann::json stats_json();

 private:
  VmConfig config_;
  Memory& host_ram_;
  uint64_t host_ram_base_;
  uint64_t guest_ram_hpa_ = 0;  // host physical base of guest RAM
  uint64_t pt_next_ = 0, pt_end_ = 0;  // page-table pool
  uint64_t hgatp_root_ = 0;
  uint64_t htimedelta_ = 0;
  uint64_t dtb_gpa_ = 0;
  SbiDispatcher sbi_;
  std::vector<std::unique_ptr<Vcpu>> vcpus_;
  VmStopInfo stop_;

  // Per-VM devices.
  std::unique_ptr<Bus> bus_;
  std::unique_ptr<Uart16550> uart_;
  std::unique_ptr<Plic> plic_;
  tlm_utils::simple_initiator_socket<Vm> dev_socket_;
  sc_core::sc_vector<sc_core::sc_signal<bool>> plic_sources_, plic_contexts_;
  void plic_context_changed();

  uint64_t alloc_table_page(uint64_t bytes, uint64_t align);
  uint64_t* host_ptr(uint64_t hpa, uint64_t len);
  void gstage_map(uint64_t gpa, uint64_t hpa, unsigned level);
  void setup_vcpu_csrs(Vcpu& v);
  friend class Vcpu;
};

}  // namespace rvh::hyp
