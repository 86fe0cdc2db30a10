// hyp/vcpu_sbi.cpp: ECALL from VS-mode, like KVM's kvm_riscv_vcpu_sbi_ecall:
// a7 = extension, a6 = function, a0-a5 arguments; the result goes to a0
// (error) and a1 (value), or a0 only for the legacy v0.1 calls; pc += 4.
#include "hyp/exit_handlers.h"
#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {
constexpr unsigned kA0 = 10, kA1 = 11, kA6 = 16, kA7 = 17;

uint64_t cost_of(const HypCosts& c, uint64_t eid) {
  switch (eid) {
    case kSbiExtIpi: case kSbiExtLegacySendIpi: return c.sbi_ipi;
    case kSbiExtRfence: case kSbiExtLegacyRemoteFenceI: case kSbiExtLegacyRemoteSfenceVma:
    case kSbiExtLegacyRemoteSfenceVmaAsid: return c.sbi_rfence;
    case kSbiExtHsm: return c.sbi_hsm;
    case kSbiExtDbcn: case kSbiExtLegacyConsolePutchar: case kSbiExtLegacyConsoleGetchar: return c.sbi_console;
    default: return c.sbi_call;
  }
}
}  // namespace

ExitOutcome sbi_ecall(Vcpu& v) {
  SbiCall call;
  call.eid = v.reg(kA7);
  call.fid = v.reg(kA6);
  for (unsigned i = 0; i < 6; ++i) call.args[i] = v.reg(kA0 + i);
  const SbiResult r = v.vm().sbi().dispatch(v, call);
  v.charge("sbi", cost_of(v.vm().config().costs, call.eid));
  switch (r.action) {
    case SbiAction::kStopVm:
      return ExitOutcome::kStopped;
    case SbiAction::kStopVcpu:
      return ExitOutcome::kPark;
    case SbiAction::kSuspendNonRetentive:
      v.suspend_non_retentive(r.resume_addr, r.resume_opaque);
      return ExitOutcome::kResumeAndSleep;
    case SbiAction::kResume:
    case SbiAction::kSleep:
    case SbiAction::kSuspend:
      break;
  }
  if (r.legacy) {
    v.set_reg(kA0, r.error != kSbiSuccess ? static_cast<uint64_t>(r.error) : r.value);
  } else {
    v.set_reg(kA0, static_cast<uint64_t>(r.error));
    v.set_reg(kA1, r.value);
  }
  v.hart().csr.sepc += 4;
  if (r.action == SbiAction::kSuspend) v.suspend();
  return r.action == SbiAction::kSleep || r.action == SbiAction::kSuspend ? ExitOutcome::kResumeAndSleep
                                                                          : ExitOutcome::kResume;
}

}  // namespace rvh::hyp
