// hyp/vm_assigned.cpp: devices of the SoC assigned to a VM (docs/io.md
// "Device assignment"), as VFIO platform devices are under KVM:
//  - the device's MMIO range is mapped 1:1 in the VM's G-stage (read/write,
//    not executable), so the guest's loads and stores reach the device on
//    the system bus with no exit;
//  - its physical interrupt is taken by the host (hyp/assigned_irq.h), which
//    claims it at the physical PLIC and raises the same source of the VM's
//    virtual PLIC. The physical claim stays open until the guest completes
//    the source at its virtual PLIC; only then is it completed physically, so
//    a level that is still high interrupts again (VFIO's mask and unmask of
//    a level-triggered line).
#include <cstdio>
#include <stdexcept>

#include "hyp/vm.h"

namespace rvh::hyp {
namespace {
// G-stage leaf of a device page: V R W U A D (never X: the priv spec, 18.5,
// needs U set on every G-stage leaf).
constexpr uint64_t kLeafDevice = 1 | 2 | 4 | 16 | 64 | 128;
constexpr uint64_t kPage = 0x1000;
// The virtual PLIC's claim/complete registers: 0x200004 + 0x1000 * context.
constexpr uint64_t kClaimBase = 0x200004, kContextStride = 0x1000;

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}
}  // namespace

void Vm::map_assigned_devices() {
  for (const AssignedDevice& d : config_.assigned) {
    const std::string what = "hypervisor: assigned device '" + d.name + "' at " + hex(d.base);
    if (d.size == 0 || d.base % kPage || d.size % kPage)
      throw std::runtime_error(what + ": its range must be whole 4 KiB pages");
    if (overlaps_guest_ram(d.base, d.size) || device_name(d.base) || device_name(d.base + d.size - 1))
      throw std::runtime_error(what + ": overlaps the VM's RAM or one of its virtual devices");
    if (!gstage_reaches(d.base + d.size - 1))
      throw std::runtime_error(what + ": beyond the G-stage's reach (2^41)");
    for (uint64_t page = d.base; page < d.base + d.size; page += kPage) {
      const GstageMap r = gstage_map(page, page, 0, kLeafDevice);
      if (r != GstageMap::kMapped) throw std::runtime_error(what + ": " + describe(r));
    }
  }
}

bool Vm::is_assigned_source(unsigned source) const {
  for (const AssignedDevice& d : config_.assigned)
    if (d.plic_source != 0 && d.plic_source == source) return true;
  return false;
}

void Vm::inject_assigned_irq(unsigned source) {
  if (!is_assigned_source(source) || stop_.stopped) {
    if (complete_host_irq) complete_host_irq(source);
    return;
  }
  ++assigned_irqs_;
  assigned_in_service_.insert(source);
  set_virtual_line(source, true);
  // The host's interrupt handling and injection (VFIO's irqfd path) is
  // charged to vCPU 0, the one the guest's PLIC routes to first: at its next
  // entry if it is off its hart.
  vcpus_.front()->assigned_irq_taken(config_.costs.assigned_irq);
}

void Vm::virtual_plic_claim_or_complete(uint64_t offset, uint32_t value, bool write) {
  if (offset < kClaimBase || (offset - kClaimBase) % kContextStride != 0) return;
  if (!assigned_in_service_.count(value)) return;
  if (!write) {
    // Claimed: the virtual gateway is busy until the guest completes, so the
    // line can drop now; it must be low by then, or the complete would
    // forward a new request at once (peripherals/plic.h). The hart settles
    // SystemC (a delta cycle) after an MMIO exit, whose cost exceeds its
    // quantum, before the guest's next instruction.
    set_virtual_line(value, false);
    return;
  }
  assigned_in_service_.erase(value);
  if (complete_host_irq) complete_host_irq(value);
}

}  // namespace rvh::hyp
