// hyp/sbi_legacy.cpp: the legacy SBI v0.1 extensions (EIDs 0x00-0x08,
// ext-legacy.adoc). The FID is ignored and only a0 is returned
// (SbiResult::legacy_a0); 0x09-0x0F are reserved and not served.
//
//  0x00 set_timer(stime_value): Vcpu::set_timer; 0.
//  0x01 console_putchar(ch): the low byte to the VM console; 0.
//  0x02 console_getchar(): the waiting input byte, or -1 when none.
//  0x03 clear_ipi(): clears VSSIP (hvip) of the caller; 1 if one was
//       pending, else 0 (the spec allows any positive value; KVM returns 0).
//  0x04 send_ipi(hart_mask*), 0x05 remote_fence_i(hart_mask*),
//  0x06 remote_sfence_vma(hart_mask*, start, size),
//  0x07 remote_sfence_vma_asid(hart_mask*, start, size, asid):
//       hart_mask is a guest VIRTUAL address of ceil(harts/64) unsigned
//       longs, read like the guest would (Vcpu::read_guest_virtual); a
//       failed read returns SBI_ERR_INVALID_ADDRESS in a0 (KVM instead
//       redirects the fault to the guest, kvm_riscv_vcpu_unpriv_read). A
//       NULL pointer means every hart (as KVM: vcpu_sbi_v01.c); bits naming
//       harts that do not exist are ignored. send_ipi sets VSSIP on the
//       targets, the sfences flush their guest TLB (the whole of it), and
//       remote_fence_i has nothing to do on our harts (see sbi_rfence.cpp).
//  0x08 shutdown(): Vm::stop(0, "shutdown") and action kStopVm.
#include <cstdint>
#include <memory>
#include <vector>

#include "cpu/csr_defs.h"
#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

class SbiLegacy : public SbiExtension {
 public:
  const char* name() const override { return "legacy"; }
  bool serves(uint64_t eid) const override { return eid <= kSbiExtLegacyShutdown; }

  SbiResult call(Vcpu& vcpu, const SbiCall& call) override {
    Vm& vm = vcpu.vm();
    switch (call.eid) {
      case kSbiExtLegacySetTimer:
        vcpu.set_timer(call.args[0]);
        return SbiResult::legacy_a0(0);
      case kSbiExtLegacyConsolePutchar: {
        const uint8_t ch = static_cast<uint8_t>(call.args[0]);
        vm.console_write(&ch, 1);
        return SbiResult::legacy_a0(0);
      }
      case kSbiExtLegacyConsoleGetchar: {
        const int c = vm.console_read();
        return SbiResult::legacy_a0(c < 0 ? -1 : c);
      }
      case kSbiExtLegacyClearIpi: {
        const bool pending = (vcpu.csrs().hvip & csr::kMipVSSIP) != 0;
        vcpu.set_software_interrupt(false);
        return SbiResult::legacy_a0(pending ? 1 : 0);
      }
      case kSbiExtLegacySendIpi:
      case kSbiExtLegacyRemoteFenceI:
      case kSbiExtLegacyRemoteSfenceVma:
      case kSbiExtLegacyRemoteSfenceVmaAsid: {
        std::vector<unsigned> targets;
        if (!read_hart_mask(vcpu, call.args[0], targets)) return SbiResult::legacy_a0(kSbiErrInvalidAddress);
        for (unsigned id : targets) {
          if (call.eid == kSbiExtLegacySendIpi && id == vcpu.id())
            vcpu.set_software_interrupt(true);
          else if (call.eid == kSbiExtLegacySendIpi)
            vm.vcpu(id).receive_ipi();
          else if (call.eid != kSbiExtLegacyRemoteFenceI)
            vm.vcpu(id).flush_guest_tlb();
        }
        return SbiResult::legacy_a0(0);
      }
      case kSbiExtLegacyShutdown:
        vm.stop(0, "shutdown");
        return SbiResult::legacy_a0(0, SbiAction::kStopVm);
      default:
        return SbiResult::legacy_a0(kSbiErrNotSupported);  // not reached: serves() is 0x00-0x08
    }
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    static const char* const kNames[] = {"set_timer", "console_putchar", "console_getchar",
                                         "clear_ipi", "send_ipi", "remote_fence_i",
                                         "remote_sfence_vma", "remote_sfence_vma_asid", "shutdown"};
    if (eid < sizeof(kNames) / sizeof(kNames[0])) return kNames[eid];
    return SbiExtension::function_name(eid, fid);
  }

 private:
  // The v0.1 hart mask at guest virtual address `vaddr` (0: all harts).
  static bool read_hart_mask(Vcpu& vcpu, uint64_t vaddr, std::vector<unsigned>& targets) {
    const unsigned n = vcpu.vm().num_vcpus();
    targets.clear();
    if (vaddr == 0) {
      for (unsigned i = 0; i < n; ++i) targets.push_back(i);
      return true;
    }
    for (unsigned word = 0; word * 64 < n; ++word) {
      uint64_t bits = 0;
      if (!vcpu.read_guest_virtual(vaddr + 8ull * word, 8, bits)) return false;
      for (unsigned bit = 0; bit < 64 && word * 64 + bit < n; ++bit)
        if ((bits >> bit) & 1) targets.push_back(word * 64 + bit);
    }
    return true;
  }
};

}  // namespace

std::unique_ptr<SbiExtension> make_sbi_legacy() { return std::make_unique<SbiLegacy>(); }

}  // namespace rvh::hyp
