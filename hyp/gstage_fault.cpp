// hyp/gstage_fault.cpp: guest-page faults, like KVM's gstage_page_fault
// (vcpu_exit.c) and MMIO emulation (vcpu_insn.c kvm_riscv_vcpu_mmio_*):
// GPA = (htval << 2) | (stval & 3). Guest RAM is mapped in the G-stage and
// the access re-executed; anything else is MMIO, decoded from htinst (a
// transformed instruction) or from the instruction read with HLVX, and
// emulated against the VM's device bus.
//
// A GPA the G-stage cannot translate (2^41 and above with Sv39x4) can have
// no memory behind it: KVM allows no memory slot beyond the G-stage's size
// (kvm_arch_prepare_memory_region), so a load or store there is MMIO like
// any other address without a slot, and a fetch there is -EOPNOTSUPP from
// gstage_page_fault: the VM stops. Nothing is mapped for such a GPA.
#include <cstdio>

#include "hyp/exit_handlers.h"
#include "hyp/mmio_decode.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

ExitOutcome emulate_mmio(Vcpu& v, uint64_t gpa, bool store) {
  Hart& h = v.hart();
  Vm& vm = v.vm();
  MmioInsn mi;
  // A nonzero htinst is a transformed instruction or a pseudoinstruction (the
  // fault came from the VS-stage walk, not from the instruction at sepc);
  // values with bits 63:32 set are unknown and treated like zero (H spec).
  const uint64_t htinst = h.csr.htinst >> 32 ? 0 : h.csr.htinst;
  if (htinst != 0) {
    mi = decode_mmio_instruction(static_cast<uint32_t>(htinst), true);
  } else {
    uint32_t raw = 0;
    if (!fetch_guest_instruction(v, raw)) return ExitOutcome::kResume;
    mi = decode_mmio_instruction(raw, false);
  }
  if (mi.kind == MmioInsn::kUnsupported)
    return unsupported_exit(v, "MMIO access by an instruction that cannot be emulated (" + mi.why + ")");
  if ((mi.kind == MmioInsn::kStore) != store)
    return unsupported_exit(v, "MMIO instruction does not match the fault (load vs store)");
  if (gpa % mi.width != 0) return unsupported_exit(v, "misaligned MMIO access");

  uint8_t data[8] = {};
  if (store) {
    const uint64_t value = v.reg(mi.reg);
    for (unsigned i = 0; i < mi.width; ++i) data[i] = static_cast<uint8_t>(value >> (8 * i));
  }
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  bool kernel_device = false;
  const bool claimed = vm.mmio_access(gpa, data, mi.width, store, delay, kernel_device);
  if (!claimed) {
    ++v.stats().unmapped_mmio;
    if (vm.config().strict_mmio)
      return unsupported_exit(v, "access to a guest-physical address with no device (strict MMIO)");
    if (!vm.report_unmapped(gpa, store)) ++v.stats().unmapped_mmio_unreported;
  }
  h.cycles += static_cast<uint64_t>(delay.to_seconds() * static_cast<double>(h.config().clock_hz));
  if (!store) {
    uint64_t raw = 0;
    for (unsigned i = 0; i < mi.width; ++i) raw |= static_cast<uint64_t>(data[i]) << (8 * i);
    v.set_reg(mi.reg, mmio_load_result(mi, raw));
  }
  h.csr.sepc += mi.length;
  const char* device = vm.device_name(gpa);
  v.name_exit(std::string("mmio ") + (device ? device : "unmapped") + (kernel_device ? " (kernel)" : " (user)"));
  if (kernel_device) {
    ++v.stats().mmio_exit_kernel;
    v.charge("mmio_kernel", vm.config().costs.mmio_kernel);
  } else {
    ++v.stats().mmio_exit_user;
    v.charge("mmio_user", vm.config().costs.mmio_user);
  }
  return ExitOutcome::kResume;
}

}  // namespace

ExitOutcome guest_page_fault(Vcpu& v) {
  Hart& h = v.hart();
  Vm& vm = v.vm();
  const uint64_t gpa = (h.csr.htval << 2) | (h.csr.stval & 3);
  if (vm.is_guest_ram(gpa, 1)) {
    const GstageMap mapped = vm.map_gpa(gpa);
    if (mapped != GstageMap::kMapped) return unsupported_exit(v, describe(mapped));
    v.name_exit("gstage map");
    ++v.stats().gstage_map_faults;
    v.charge("gstage_map", vm.config().costs.gstage_map);
    return ExitOutcome::kResume;  // re-execute the access
  }
  if (h.csr.scause == csr::kCauseFetchGuestPageFault) {
    if (!Vm::gstage_reaches(gpa)) {
      char what[128];
      std::snprintf(what, sizeof what,
                    "instruction fetch from guest-physical 0x%llx, beyond the G-stage (Sv39x4 translates below 2^41)",
                    static_cast<unsigned long long>(gpa));
      return unsupported_exit(v, what);
    }
    // Code fetched from a guest-physical page with nothing behind it: map
    // its block to a hole in host physical memory, as an unpopulated region
    // would be, so the refetch raises an instruction access fault (scause 1).
    const GstageMap mapped = vm.map_hole(gpa);
    if (mapped != GstageMap::kMapped) return unsupported_exit(v, describe(mapped));
    v.name_exit("gstage map (hole)");
    ++v.stats().gstage_map_faults;
    v.charge("gstage_map", vm.config().costs.gstage_map);
    return ExitOutcome::kResume;
  }
  return emulate_mmio(v, gpa, h.csr.scause == csr::kCauseStoreGuestPageFault);
}

}  // namespace rvh::hyp
