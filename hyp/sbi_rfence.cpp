// hyp/sbi_rfence.cpp: the SBI RFENCE extension (EID "RFNC", ext-rfence.adoc).
//
//  - remote_fence_i(hart_mask, base): our harts need no FENCE.I work (the
//    decode cache checks the instruction word on every hit, see
//    cpu/insn_system.cpp), so only the hart list is checked.
//  - remote_sfence_vma(hart_mask, base, start, size) and
//    remote_sfence_vma_asid(..., asid): the targets flush their guest TLB
//    (Vcpu::flush_guest_tlb, the whole VS-stage; a range or ASID is a subset,
//    so flushing everything is always correct, and with start = size = 0 or
//    size = 2^XLEN-1 the spec asks for everything anyway). An ASID wider than
//    the 16 bits vsatp holds is SBI_ERR_INVALID_PARAM.
//  - remote_hfence_* (FIDs 3-6): SBI_ERR_NOT_SUPPORTED, as the spec requires
//    when a target hart has no hypervisor extension, and as KVM does for its
//    guests (no nested virtualization) since "RISC-V: KVM: Don't treat SBI
//    HFENCE calls as NOPs" (Linux 6.16; it treated them as NOPs before).
// A hart list naming a hart that does not exist: SBI_ERR_INVALID_PARAM (the
// existing ones are still fenced).
#include <cstdint>
#include <memory>
#include <vector>

#include "cpu/csr_defs.h"
#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

enum : uint64_t {
  kRemoteFenceI = 0, kRemoteSfenceVma = 1, kRemoteSfenceVmaAsid = 2,
  kRemoteHfenceGvmaVmid = 3, kRemoteHfenceGvma = 4, kRemoteHfenceVvmaAsid = 5, kRemoteHfenceVvma = 6,
};

class SbiRfence : public SbiExtension {
 public:
  const char* name() const override { return "rfence"; }
  bool serves(uint64_t eid) const override { return eid == kSbiExtRfence; }

  SbiResult call(Vcpu& vcpu, const SbiCall& call) override {
    SbiResult r;
    if (call.fid != kRemoteFenceI && call.fid != kRemoteSfenceVma && call.fid != kRemoteSfenceVmaAsid) {
      r.error = kSbiErrNotSupported;  // HFENCE (3-6) and unknown FIDs
      return r;
    }
    if (call.fid == kRemoteSfenceVmaAsid && call.args[4] > csr::kSatpAsidMask) {
      r.error = kSbiErrInvalidParam;
      return r;
    }
    Vm& vm = vcpu.vm();
    std::vector<unsigned> targets;
    r.error = sbi_hart_mask_targets(call.args[0], call.args[1], vm.num_vcpus(), targets);
    if (call.fid != kRemoteFenceI)
      for (unsigned id : targets) vm.vcpu(id).flush_guest_tlb();
    return r;
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    static const char* const kNames[] = {"remote_fence_i", "remote_sfence_vma", "remote_sfence_vma_asid",
                                         "remote_hfence_gvma_vmid", "remote_hfence_gvma",
                                         "remote_hfence_vvma_asid", "remote_hfence_vvma"};
    if (fid < sizeof(kNames) / sizeof(kNames[0])) return kNames[fid];
    return SbiExtension::function_name(eid, fid);
  }
};

}  // namespace

std::unique_ptr<SbiExtension> make_sbi_rfence() { return std::make_unique<SbiRfence>(); }

}  // namespace rvh::hyp
