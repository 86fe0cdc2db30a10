// platform/hyp_boot.cpp: starting the hosted hypervisor on the SoC (--hyp,
// --vm): the scheduler takes the harts, each VM takes its own window of host
// RAM above the host's first 2 MiB, the guest image is
// loaded into guest memory (ELF by its physical addresses, or raw at
// 0x80200000 as a firmware would), and the guest device tree is generated
// from the VM's configuration: the guest's view of the machine (no H in the
// ISA, no CLINT and no test device: SBI provides timer, IPIs and reset).
#include <algorithm>
#include <cstdio>
#include <utility>

#include "platform/device_tree.h"
#include "platform/soc.h"

namespace rvh {
namespace {
constexpr uint64_t kGuestKernelAddress = 0x80200000;
constexpr uint64_t k2MiB = 2ull << 20;
}  // namespace

uint64_t Soc::host_ram_for_vms(const std::vector<uint64_t>& guest_ram_sizes) {
  uint64_t total = k2MiB;
  for (uint64_t size : guest_ram_sizes) total += hyp::Vm::host_bytes_needed(size);
  return total;
}

void Soc::start_hypervisor(const hyp::HypCosts& platform_costs, const std::vector<VmBoot>& vms) {
  const PlatformConfig& cfg = params_.config;
  std::vector<Hart*> harts;
  for (auto& h : harts_) harts.push_back(h.get());
  scheduler_ = std::make_unique<hyp::Scheduler>("scheduler", harts, platform_costs);

  // Each VM gets its own window of host RAM, one after the other above the
  // host's first 2 MiB: its G-stage tables and guest RAM, nothing shared.
  uint64_t next_offset = k2MiB;
  std::vector<std::pair<uint64_t, uint64_t>> entries;  // (entry, dtb_gpa) per VM
  for (size_t n = 0; n < vms.size(); ++n) {
    const VmBoot& boot = vms[n];
    hyp::VmConfig vm_config = boot.config;
    vm_config.vmid = scheduler_->vmid_for(static_cast<unsigned>(n));
    vm_config.hart_clock_hz = cfg.hart_clock_hz;
    assign_devices_to(static_cast<unsigned>(n), vm_config);
    const std::string name = "vm" + std::to_string(n);
    if (vms.size() > 1) vm_config.name = name;
    hyp::HostWindow window;
    window.hpa_base = memmap::kRamBase + next_offset;
    window.size = hyp::Vm::host_bytes_needed(vm_config.guest_ram_size);
    if (next_offset + window.size > cfg.ram_size)
      throw LoadError("not enough host RAM for the VMs' guest memory (" + std::to_string(cfg.ram_size >> 20) + " MiB)");
    window.host = ram_.host_pointer(next_offset);
    next_offset += window.size;
    vms_.push_back(std::make_unique<hyp::Vm>(name.c_str(), vm_config, window, *scheduler_));
    hyp::Vm& vm = *vms_.back();
    vm.timebase_hz = cfg.timebase_hz;
    if (vms.size() == 1) {
      vm.on_stop = [this](int code, const std::string& reason) {
        finish(code, "vm: " + reason.substr(0, reason.find('\n')));
      };
    } else {
      vm.name = name;
      vm.on_stop = [name](int code, const std::string& reason) {
        std::fprintf(stderr, "rvh-vp: %s stopped: %s (exit status %d)\n", name.c_str(),
                     reason.substr(0, reason.find('\n')).c_str(), code);
      };
    }

    const std::string guest_ram = describe_region(vms.size() > 1 ? name + " guest RAM" : "guest RAM",
                                                  vm_config.guest_ram_base, vm_config.guest_ram_size);
    MemoryWriter writer = [&vm](uint64_t gpa, const uint8_t* data, uint64_t size) {
      return vm.write_guest_physical(gpa, data, size);
    };
    LoadedImage img = is_elf_file(boot.kernel) ? load_elf(boot.kernel, writer, guest_ram)
                                               : load_raw(boot.kernel, kGuestKernelAddress, writer, guest_ram);
    if (n == 0) symbols_ = img.symbols;
    vm_symbols_.push_back(img.symbols);

    PlatformConfig guest;
    guest.num_harts = vm_config.num_vcpus;
    guest.ram_size = vm_config.guest_ram_size;
    guest.timebase_hz = cfg.timebase_hz;
    guest.hart_clock_hz = cfg.hart_clock_hz;
    guest.isa = std::string("rv64imafdc_zicsr_zifencei_zicntr_zihintpause") + (vm_config.sstc ? "_sstc" : "");
    guest.mmu_type = cfg.mmu_type;
    guest.bootargs = boot.bootargs;
    guest.machine_devices = false;
    // The VM's virtio-mmio devices, as QEMU virt describes them.
    for (const hyp::Vm::VirtioWindow& w : vm.virtio_windows())
      guest.user_devices.push_back(UserDevice{"virtio_mmio", w.base, w.size, {"virtio,mmio"}, w.plic_source});
    describe_assigned(vm_config, guest);
    const std::vector<uint8_t> dtb = build_device_tree(guest);
    const uint64_t ram_end = vm_config.guest_ram_base + vm_config.guest_ram_size;
    uint64_t dtb_gpa = (ram_end - dtb.size()) & ~(k2MiB - 1);
    if (dtb_gpa < img.highest) dtb_gpa = (ram_end - dtb.size()) & ~7ull;
    if (!vm.write_guest_physical(dtb_gpa, dtb.data(), dtb.size()))
      throw LoadError("guest device tree does not fit in " + guest_ram);
    entries.emplace_back(img.entry, dtb_gpa);
  }
  forward_assigned_irqs();
  // Several VMs: the run ends when the last one stops, with the status of
  // the first VM (in --vm order) that failed, or 0.
  if (vms.size() > 1)
    scheduler_->on_all_stopped = [this] {
      int code = 0;
      for (auto& vm : vms_)
        if (vm->stop_info().exit_code != 0) {
          code = vm->stop_info().exit_code;
          break;
        }
      finish(code, "vms: every VM stopped");
    };
  // Every VM's first vCPU starts at time zero, in the order given.
  for (size_t n = 0; n < vms_.size(); ++n) vms_[n]->boot(entries[n].first, entries[n].second);
}

}  // namespace rvh
