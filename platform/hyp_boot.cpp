// platform/hyp_boot.cpp: starting the hosted hypervisor on the SoC (--hyp):
// the VM takes host RAM above the host's first 2 MiB, the guest image is
// loaded into guest memory (ELF by its physical addresses, or raw at
// 0x80200000 as a firmware would), and the guest device tree is generated
// from the VM's configuration: the guest's view of the machine (no H in the
// ISA, no CLINT and no test device: SBI provides timer, IPIs and reset).
#include <algorithm>

#include "platform/device_tree.h"
#include "platform/soc.h"

namespace rvh {
namespace {
constexpr uint64_t kGuestKernelAddress = 0x80200000;
constexpr uint64_t k2MiB = 2ull << 20;
}  // namespace

void Soc::start_hypervisor(const hyp::VmConfig& vm_config, const std::string& kernel, const std::string& bootargs) {
  const PlatformConfig& cfg = params_.config;
  hyp::HostWindow window;
  window.hpa_base = memmap::kRamBase + k2MiB;
  window.size = cfg.ram_size - k2MiB;
  window.host = ram_.host_pointer(k2MiB);
  std::vector<Hart*> harts;
  for (auto& h : harts_) harts.push_back(h.get());
  vm_ = std::make_unique<hyp::Vm>("vm0", vm_config, window, harts);
  vm_->timebase_hz = cfg.timebase_hz;
  vm_->on_stop = [this](int code, const std::string& reason) {
    finish(code, "vm: " + reason.substr(0, reason.find('\n')));
  };

  const std::string guest_ram = describe_region("guest RAM", vm_config.guest_ram_base, vm_config.guest_ram_size);
  MemoryWriter writer = [this](uint64_t gpa, const uint8_t* data, uint64_t size) {
    return vm_->write_guest_physical(gpa, data, size);
  };
  LoadedImage img = is_elf_file(kernel) ? load_elf(kernel, writer, guest_ram)
                                        : load_raw(kernel, kGuestKernelAddress, writer, guest_ram);
  symbols_ = img.symbols;

  PlatformConfig guest;
  guest.num_harts = vm_config.num_vcpus;
  guest.ram_size = vm_config.guest_ram_size;
  guest.timebase_hz = cfg.timebase_hz;
  guest.hart_clock_hz = cfg.hart_clock_hz;
  guest.isa = std::string("rv64imafdc_zicsr_zifencei_zicntr_zihintpause") + (vm_config.sstc ? "_sstc" : "");
  guest.mmu_type = cfg.mmu_type;
  guest.bootargs = bootargs;
  guest.machine_devices = false;
  const std::vector<uint8_t> dtb = build_device_tree(guest);
  const uint64_t ram_end = vm_config.guest_ram_base + vm_config.guest_ram_size;
  uint64_t dtb_gpa = (ram_end - dtb.size()) & ~(k2MiB - 1);
  if (dtb_gpa < img.highest) dtb_gpa = (ram_end - dtb.size()) & ~7ull;
  if (!vm_->write_guest_physical(dtb_gpa, dtb.data(), dtb.size()))
    throw LoadError("guest device tree does not fit in " + guest_ram);
  vm_->boot(img.entry, dtb_gpa);
}

}  // namespace rvh
