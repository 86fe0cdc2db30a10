// hyp/sbi_base.cpp: the SBI Base extension (EID 0x10, ext-base.adoc): SBI
// version, implementation id/version, extension probing, machine ids.
//
// Values reported to the guest:
//  - spec version 2.0 (major 2 in bits 30:24, minor 0): the version of the
//    SBI spec this provider follows, the same KVM RISC-V reports
//    (KVM_SBI_VERSION_MAJOR 2 / MINOR 0, arch/riscv/include/asm/kvm_vcpu_sbi.h).
//  - implementation id 3, "KVM" in the spec's table: the hosted hypervisor
//    behaves like KVM RISC-V, and a guest probing for KVM quirks should see it.
//  - implementation version 0x100: rvh-vp 0.1.0 encoded like KVM encodes the
//    kernel's LINUX_VERSION_CODE, (major << 16) | (minor << 8) | patch.
//  - mvendorid/marchid/mimpid 0: KVM hands the guest the host's values (read
//    from its own SBI at vCPU creation); our harts report 0 in these CSRs
//    (cpu/csr.cpp), and 0 is always legal.
#include <cstdint>
#include <memory>

#include "hyp/sbi.h"
#include "hyp/vcpu.h"

namespace rvh::hyp {
namespace {

constexpr uint64_t kSpecVersion = (2ull << 24) | 0;  // SBI 2.0
constexpr uint64_t kImplIdKvm = 3;
constexpr uint64_t kImplVersion = (0ull << 16) | (1ull << 8) | 0;  // rvh-vp 0.1.0
constexpr uint64_t kMachineIdZero = 0;

enum : uint64_t {
  kGetSpecVersion = 0, kGetImplId = 1, kGetImplVersion = 2, kProbeExtension = 3,
  kGetMvendorid = 4, kGetMarchid = 5, kGetMimpid = 6,
};

class SbiBase : public SbiExtension {
 public:
  explicit SbiBase(const SbiDispatcher& table) : table_(table) {}
  const char* name() const override { return "base"; }
  bool serves(uint64_t eid) const override { return eid == kSbiExtBase; }

  SbiResult call(Vcpu& vcpu, const SbiCall& call) override {
    (void)vcpu;
    SbiResult r;
    switch (call.fid) {
      case kGetSpecVersion: r.value = kSpecVersion; break;
      case kGetImplId: r.value = kImplIdKvm; break;
      case kGetImplVersion: r.value = kImplVersion; break;
      case kProbeExtension: {
        const SbiExtension* ext = table_.find(call.args[0]);  // nullptr when disabled
        r.value = ext ? ext->probe(call.args[0]) : 0;
        break;
      }
      case kGetMvendorid: case kGetMarchid: case kGetMimpid: r.value = kMachineIdZero; break;
      default: r.error = kSbiErrNotSupported; break;
    }
    return r;
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    static const char* const kNames[] = {"get_spec_version", "get_impl_id", "get_impl_version",
                                         "probe_extension", "get_mvendorid", "get_marchid", "get_mimpid"};
    if (fid < sizeof(kNames) / sizeof(kNames[0])) return kNames[fid];
    return SbiExtension::function_name(eid, fid);
  }

 private:
  const SbiDispatcher& table_;
};

}  // namespace

std::unique_ptr<SbiExtension> make_sbi_base(const SbiDispatcher& table) {
  return std::make_unique<SbiBase>(table);
}

}  // namespace rvh::hyp
