// hyp/vm.cpp: see vm.h. G-stage tables are Sv39x4 (41-bit guest physical
// addresses) in a page-table pool at the start of the VM's host window; guest
// RAM follows, 2 MiB aligned so that 2 MiB blocks can map it.
#include "hyp/vm.h"

#include <cstdio>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <stdexcept>

#include "hyp/virtio_mmio.h"
#include "peripherals/plic.h"
#include "peripherals/uart16550.h"

namespace rvh::hyp {
namespace {
constexpr uint64_t kPteV = 1, kPteR = 2, kPteW = 4, kPteX = 8, kPteU = 16, kPteA = 64, kPteD = 128;
constexpr uint64_t kLeafRwx = kPteV | kPteR | kPteW | kPteX | kPteU | kPteA | kPteD;
// Execute-only: a load or store there is still a guest-page fault (MMIO).
constexpr uint64_t kLeafHole = kPteV | kPteX | kPteU | kPteA;
constexpr uint64_t kPoolBytes = 4ull << 20;
constexpr uint64_t k2MiB = 2ull << 20;
constexpr uint64_t kUartBase = 0x10000000, kUartSize = 0x100;
constexpr uint64_t kPlicBase = 0xc000000, kPlicSize = 0x600000;
constexpr unsigned kPlicSources = 95, kUartIrq = 10;
// 1 GiB of host physical addresses with nothing behind them (between the
// devices and RAM), 1 GiB aligned so that a leaf of any size can point at it.
constexpr uint64_t kHostHoleBase = 0x40000000;

// Index of `gpa` in a G-stage table of `level` (Sv39x4: the root, level 2,
// has 2048 entries; the others 512).
uint64_t gstage_index(uint64_t gpa, unsigned level) {
  return (gpa >> (12 + 9 * level)) & (level == 2 ? 0x7ff : 0x1ff);
}

Uart16550Options vuart_options(const VmConfig& config) {
  Uart16550Options o;
  o.drop_early = config.uart_drop_early;
  return o;
}
}  // namespace

const char* describe(GstageMap result) {
  switch (result) {
    case GstageMap::kMapped: return "mapped";
    case GstageMap::kPoolExhausted: return "G-stage page-table pool exhausted";
    case GstageMap::kBeyondReach: return "guest-physical address beyond the G-stage (Sv39x4 translates below 2^41)";
    case GstageMap::kSizeConflict: return "G-stage walk met a mapping of another size (nothing written)";
  }
  return "G-stage mapping failed";
}

uint64_t kvm_default_hedeleg() {
  return (1ull << csr::kCauseMisalignedFetch) | (1ull << csr::kCauseBreakpoint) | (1ull << csr::kCauseEcallU) |
         (1ull << csr::kCauseFetchPageFault) | (1ull << csr::kCauseLoadPageFault) |
         (1ull << csr::kCauseStorePageFault);
}

uint64_t Vm::host_bytes_needed(uint64_t guest_ram_size) { return kPoolBytes + ((guest_ram_size + k2MiB - 1) & ~(k2MiB - 1)); }

Vm::Vm(sc_core::sc_module_name name, const VmConfig& config, const HostWindow& window, Scheduler& scheduler)
    : sc_core::sc_module(name),
      config_(config),
      window_(window),
      scheduler_(scheduler),
      uart_socket_("uart_socket"),
      plic_socket_("plic_socket"),
      plic_sources_("vplic_source", kPlicSources + 1),
      plic_contexts_("vplic_context", 2 * config.num_vcpus) {
  if (window.hpa_base % k2MiB) throw std::runtime_error("hypervisor: host window must be 2 MiB aligned");
  if (window.size < host_bytes_needed(config.guest_ram_size))
    throw std::runtime_error("hypervisor: not enough host RAM for " + std::to_string(config.guest_ram_size >> 20) +
                             " MiB of guest memory");
  if (config.num_vcpus == 0) throw std::runtime_error("hypervisor: a VM needs at least one vCPU");
  pt_next_ = window.hpa_base;
  pt_end_ = window.hpa_base + kPoolBytes;
  guest_ram_hpa_ = pt_end_;
  hgatp_root_ = alloc_table_page(16 << 10);  // Sv39x4 root: 16 KiB, 16 KiB aligned
  if (!hgatp_root_) throw std::runtime_error("hypervisor: no room for the G-stage root table");

  for (const std::string& ext : config.disabled_sbi) sbi_.disable(ext);

  // Per-VM devices: a virtual 16550 (PLIC source 10) and a virtual PLIC whose
  // S-mode contexts drive the vCPUs' VSEIP.
  uart_ = std::make_unique<Uart16550>("vuart", vuart_options(config));
  plic_ = std::make_unique<Plic>("vplic", config.num_vcpus, kPlicSources);
  uart_socket_.bind(uart_->socket);
  plic_socket_.bind(plic_->socket);
  for (unsigned i = 0; i <= kPlicSources; ++i) plic_->irq_in[i].bind(plic_sources_[i]);
  uart_->irq.bind(plic_sources_[kUartIrq]);
  for (unsigned c = 0; c < plic_contexts_.size(); ++c) plic_->ctx_irq[c].bind(plic_contexts_[c]);
  Vm::name = config.name;
  create_virtio_devices();  // throws for a disk that cannot be used: before the run starts
  map_assigned_devices();
  line_request_.assign(kPlicSources + 1, false);
  SC_METHOD(drive_virtual_lines);
  sensitive << lines_event_;
  dont_initialize();
  SC_METHOD(plic_context_changed);
  for (unsigned c = 0; c < plic_contexts_.size(); ++c) sensitive << plic_contexts_[c].value_changed_event();
  dont_initialize();

  const GuestContext initial = initial_context();
  for (unsigned i = 0; i < config.num_vcpus; ++i) {
    vcpus_.push_back(std::make_unique<Vcpu>(("vcpu" + std::to_string(i)).c_str(), *this, scheduler, i, initial));
    scheduler.add_vcpu(*vcpus_.back());
  }
  if (config.prefault)
    for (uint64_t gpa = config.guest_ram_base; gpa < config.guest_ram_base + config.guest_ram_size; gpa += 0x1000)
      if (map_gpa(gpa) != GstageMap::kMapped)
        throw std::runtime_error("hypervisor: G-stage page-table pool too small to prefault");
}

Vm::~Vm() = default;

// A vCPU as KVM creates it (kvm_arch_vcpu_create, kvm_riscv_vcpu_setup_config):
// the guest's H CSRs, VS-mode, nothing pending. vCPUs stay stopped until
// boot() or SBI HSM starts them.
GuestContext Vm::initial_context() const {
  GuestContext g;
  auto& c = g.csr;
  c.hedeleg = (config_.hedeleg ? config_.hedeleg : kvm_default_hedeleg()) & csr::kHedelegWritable;
  c.hideleg = csr::kVsInterrupts;
  c.hcounteren = 7;  // cycle, time, instret; hpm counters trap and read 0
  c.scounteren = 7;  // the guest's: KVM makes CY, TM, IR readable in VU by default
  c.henvcfg = config_.sstc ? csr::kMenvcfgSTCE : 0;
  c.htimedelta = 0;  // SystemC time 0 is VM creation: guest time starts at 0
  c.hgatp = (csr::kHgatpModeSv39x4 << csr::kSatpModeShift) |
            (static_cast<uint64_t>(config_.vmid) << csr::kHgatpVmidShift) | (hgatp_root_ >> 12);
  c.hstatus = (2ull << 32) | csr::kHstatusVTW | csr::kHstatusSPVP;
  c.vsstatus = 2ull << 32;
  c.vstimecmp = ~0ull;
  c.mie = 0;
  g.priv = kPrivS;
  return g;
}

void Vm::boot(uint64_t entry, uint64_t dtb_gpa) { vcpus_.at(0)->start(entry, dtb_gpa); }

uint64_t Vm::alloc_table_page(uint64_t bytes) {
  const uint64_t at = (pt_next_ + bytes - 1) & ~(bytes - 1);
  if (at + bytes > pt_end_) return 0;  // pool exhausted
  pt_next_ = at + bytes;
  std::memset(window_.host + (at - window_.hpa_base), 0, bytes);
  return at;
}

uint64_t& Vm::pte_at(uint64_t hpa) {
  return *reinterpret_cast<uint64_t*>(window_.host + (hpa - window_.hpa_base));
}

// Writes a leaf at `level` (0: 4 KiB, 1: 2 MiB, 2: 1 GiB), creating the
// intermediate tables. The hart sees the tables through the same RAM. Only
// an invalid entry or a leaf of the same level is ever replaced: a walk
// never goes through a leaf (it would take the memory the leaf maps for a
// table), and a table is never dropped for a leaf.
GstageMap Vm::gstage_map(uint64_t gpa, uint64_t hpa, unsigned level, uint64_t leaf_flags) {
  if (!gstage_reaches(gpa)) return GstageMap::kBeyondReach;
  uint64_t table = hgatp_root_;
  for (unsigned l = 2; l > level; --l) {
    uint64_t& pte = pte_at(table + gstage_index(gpa, l) * 8);
    if (!(pte & kPteV)) {
      const uint64_t page = alloc_table_page(4096);
      if (!page) return GstageMap::kPoolExhausted;
      pte = ((page >> 12) << 10) | kPteV;
    } else if (pte & (kPteR | kPteW | kPteX)) {
      return GstageMap::kSizeConflict;
    }
    table = ((pte >> 10) & ((1ull << 44) - 1)) << 12;
  }
  uint64_t& leaf = pte_at(table + gstage_index(gpa, level) * 8);
  if ((leaf & kPteV) && !(leaf & (kPteR | kPteW | kPteX))) return GstageMap::kSizeConflict;
  leaf = ((hpa >> 12) << 10) | leaf_flags;
  return GstageMap::kMapped;
}

bool Vm::is_guest_ram(uint64_t gpa, uint64_t len) const {
  return gpa >= config_.guest_ram_base && len <= config_.guest_ram_size &&
         gpa - config_.guest_ram_base <= config_.guest_ram_size - len;
}

bool Vm::overlaps_guest_ram(uint64_t gpa, uint64_t len) const {
  return gpa < config_.guest_ram_base + config_.guest_ram_size && config_.guest_ram_base < gpa + len;
}

GstageMap Vm::map_gpa(uint64_t gpa) {
  const uint64_t block = gpa & ~(k2MiB - 1);
  const uint64_t offset = block - config_.guest_ram_base;
  if (is_guest_ram(block, k2MiB) && (config_.guest_ram_base % k2MiB) == 0)
    return gstage_map(block, guest_ram_hpa_ + offset, 1, kLeafRwx);
  const uint64_t page = gpa & ~0xfffull;
  return gstage_map(page, guest_ram_hpa_ + (page - config_.guest_ram_base), 0, kLeafRwx);
}

// The level depends only on where guest RAM is, so every hole of a block
// lands on the same leaf and no hole leaf ever sits where RAM needs a table.
GstageMap Vm::map_hole(uint64_t gpa) {
  for (unsigned level = 2; level > 0; --level) {
    const uint64_t size = 1ull << (12 + 9 * level);
    const uint64_t block = gpa & ~(size - 1);
    if (!overlaps_guest_ram(block, size)) return gstage_map(block, kHostHoleBase, level, kLeafHole);
  }
  return gstage_map(gpa & ~0xfffull, kHostHoleBase, 0, kLeafHole);
}

bool Vm::read_guest_physical(uint64_t gpa, void* buf, uint64_t len) {
  if (!is_guest_ram(gpa, len)) return false;
  std::memcpy(buf, window_.host + (guest_ram_hpa_ - window_.hpa_base) + (gpa - config_.guest_ram_base), len);
  return true;
}

bool Vm::write_guest_physical(uint64_t gpa, const void* buf, uint64_t len) {
  if (!is_guest_ram(gpa, len)) return false;
  std::memcpy(window_.host + (guest_ram_hpa_ - window_.hpa_base) + (gpa - config_.guest_ram_base), buf, len);
  return true;
}

bool Vm::mmio_access(uint64_t gpa, uint8_t* data, unsigned len, bool write, sc_core::sc_time& delay,
                     bool& is_kernel_device) {
  if (virtio_access(gpa, data, len, write, delay)) {
    is_kernel_device = false;  // a VMM-side device (kvmtool's virtio-mmio): mmio_exit_user
    return true;
  }
  tlm_utils::simple_initiator_socket<Vm>* socket = nullptr;
  uint64_t offset = 0;
  if (gpa >= kUartBase && gpa - kUartBase < kUartSize) {
    socket = &uart_socket_;
    offset = gpa - kUartBase;
    is_kernel_device = false;  // a VMM-side device (kvmtool's 8250): mmio_exit_user
  } else if (gpa >= kPlicBase && gpa - kPlicBase < kPlicSize) {
    socket = &plic_socket_;
    offset = gpa - kPlicBase;
    is_kernel_device = true;  // an in-kernel irqchip: mmio_exit_kernel
  } else {
    if (!write) std::memset(data, 0, len);
    return false;
  }
  tlm::tlm_generic_payload p;
  p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  p.set_address(offset);
  p.set_data_ptr(data);
  p.set_data_length(len);
  p.set_streaming_width(len);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  (*socket)->b_transport(p, delay);
  if (socket == &plic_socket_ && len == 4 && !p.is_response_error()) {
    uint32_t value;
    std::memcpy(&value, data, 4);
    virtual_plic_claim_or_complete(offset, value, write);
  }
  // A width the device does not take reads as 0 and drops the write, as a
  // bus error would on hardware; the guest is not stopped for it.
  if (p.is_response_error() && !write) std::memset(data, 0, len);
  return true;
}

const char* Vm::device_name(uint64_t gpa) const {
  if (gpa >= kUartBase && gpa - kUartBase < kUartSize) return "uart";
  if (gpa >= kPlicBase && gpa - kPlicBase < kPlicSize) return "plic";
  return virtio_device_name(gpa);
}

bool Vm::report_unmapped(uint64_t gpa, bool write) {
  if (reported_unmapped_.count(gpa)) return true;
  if (reported_unmapped_.size() >= kUnmappedReports) return false;
  reported_unmapped_.insert(gpa);
  // "vm:" with one VM, "vm1:" with several: which VM made the access.
  const char* who = name.empty() ? "vm" : name.c_str();
  std::fprintf(stderr, "rvh-vp: %s: %s guest-physical 0x%llx: no device there (%s)\n", who,
               write ? "write to" : "read of", static_cast<unsigned long long>(gpa), write ? "ignored" : "reads 0");
  if (reported_unmapped_.size() == kUnmappedReports)
    std::fprintf(stderr,
                 "rvh-vp: %s: accesses to further guest-physical addresses with no device are not reported "
                 "(counted in the statistics: unmapped_mmio, unmapped_mmio_unreported)\n",
                 who);
  return true;
}

void Vm::plic_context_changed() {
  for (unsigned i = 0; i < vcpus_.size(); ++i) {
    Vcpu& v = *vcpus_[i];
    const bool level = plic_contexts_[2 * i + 1].read();
    const bool was = v.csrs().hvip & csr::kMipVSEIP;
    if (level != was) v.set_external_interrupt(level);
  }
}

void Vm::set_virtual_line(unsigned source, bool level) {
  line_request_.at(source) = level;
  lines_event_.notify(sc_core::SC_ZERO_TIME);
}

void Vm::drive_virtual_lines() {
  for (unsigned s = 1; s <= kPlicSources; ++s)
    if (s != kUartIrq && plic_sources_[s].read() != line_request_[s]) plic_sources_[s].write(line_request_[s]);
}

void Vm::console_write(const uint8_t* data, size_t len) { uart_->write_output(data, len); }
int Vm::console_read() { return uart_->take_input_byte(); }

void Vm::stop(int exit_code, const std::string& reason) {
  if (stop_.stopped) return;
  stop_ = VmStopInfo{true, exit_code, reason};
  shutdown_devices();  // a disk's unflushed writes reach its image
  if (on_stop) on_stop(exit_code, reason);
  scheduler_.vm_stopped(*this);
}

}  // namespace rvh::hyp
