// hyp/sbi.h: SBI as the hosted hypervisor provides it to guests (SBI spec
// 2.0, ../shared/specs/sbi/): one SbiExtension per extension (one file
// each, hyp/sbi_*.cpp) registered in the SbiDispatcher's table. A guest's
// ECALL from VS-mode (cause 10) is an exit; the vCPU hands a7 (EID), a6
// (FID) and a0-a5 to the dispatcher and writes the result back to a0/a1.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rvh::hyp {

class Vcpu;

// Standard SBI error codes (binary-encoding.adoc).
enum SbiError : int64_t {
  kSbiSuccess = 0,
  kSbiErrFailed = -1,
  kSbiErrNotSupported = -2,
  kSbiErrInvalidParam = -3,
  kSbiErrDenied = -4,
  kSbiErrInvalidAddress = -5,
  kSbiErrAlreadyAvailable = -6,
  kSbiErrAlreadyStarted = -7,
  kSbiErrAlreadyStopped = -8,
  kSbiErrNoShmem = -9,
};

// Extension IDs.
enum SbiExtId : uint64_t {
  kSbiExtLegacySetTimer = 0x00, kSbiExtLegacyConsolePutchar = 0x01, kSbiExtLegacyConsoleGetchar = 0x02,
  kSbiExtLegacyClearIpi = 0x03, kSbiExtLegacySendIpi = 0x04, kSbiExtLegacyRemoteFenceI = 0x05,
  kSbiExtLegacyRemoteSfenceVma = 0x06, kSbiExtLegacyRemoteSfenceVmaAsid = 0x07, kSbiExtLegacyShutdown = 0x08,
  kSbiExtBase = 0x10, kSbiExtTime = 0x54494D45, kSbiExtIpi = 0x735049, kSbiExtRfence = 0x52464E43,
  kSbiExtHsm = 0x48534D, kSbiExtSrst = 0x53525354, kSbiExtDbcn = 0x4442434E,
};

struct SbiCall {
  uint64_t eid = 0, fid = 0;
  uint64_t args[6] = {};
};

// What the vCPU does after the call, besides writing a0/a1 and pc += 4.
enum class SbiAction {
  kResume,        // back to the guest
  kSleep,         // sleep until an interrupt, then resume (benchmark sleep_until)
  kSuspend,       // HSM retentive suspend: SUSPENDED, sleep until an interrupt, then STARTED and return
  kSuspendNonRetentive,  // HSM non-retentive suspend: SUSPENDED until an interrupt, then STARTED
                         // at resume_addr (no return, no a0/a1 write)
  kStopVcpu,      // HSM hart_stop: this vCPU stops (no a0/a1 write)
  kStopVm,        // SRST or legacy shutdown: the VM (and the run) ends
};

struct SbiResult {
  int64_t error = kSbiSuccess;
  uint64_t value = 0;
  SbiAction action = SbiAction::kResume;
  bool legacy = false;  // v0.1 calls return only a0 (error/value in a0), a1 untouched
  uint64_t resume_addr = 0, resume_opaque = 0;  // kSuspendNonRetentive: where, and a1 there
  // A legacy (v0.1) result: a0 = `a0`; error and value both hold it, so a0
  // is right whichever field the vCPU writes.
  static SbiResult legacy_a0(int64_t a0, SbiAction action = SbiAction::kResume) {
    SbiResult r;
    r.error = a0;
    r.value = static_cast<uint64_t>(a0);
    r.action = action;
    r.legacy = true;
    return r;
  }
};

// Resolves an SBI hart list (binary-encoding.adoc "Hart list parameter")
// against the hart ids 0..num_harts-1 of a VM: hart_mask_base == -1 means
// all harts; otherwise bit i of hart_mask names hart hart_mask_base + i.
// `targets` receives the existing harts named, in increasing order. Returns
// kSbiErrInvalidParam if some set bit names a hart that does not exist
// (`targets` still holds the valid ones: like KVM, callers act on those),
// else kSbiSuccess.
int64_t sbi_hart_mask_targets(uint64_t hart_mask, uint64_t hart_mask_base, unsigned num_harts,
                              std::vector<unsigned>& targets);

class SbiExtension {
 public:
  virtual ~SbiExtension() = default;
  virtual const char* name() const = 0;  // "base", "time", "ipi", "rfence", "hsm", "srst", "dbcn", "legacy"
  // Whether this extension serves `eid` (the legacy one serves 0x00-0x08).
  virtual bool serves(uint64_t eid) const = 0;
  // BASE probe_extension result for `eid` (normally 1).
  virtual uint64_t probe(uint64_t eid) const { (void)eid; return 1; }
  virtual SbiResult call(Vcpu& vcpu, const SbiCall& call) = 0;
  // Human-readable name of a function, for statistics ("set_timer");
  // undefined ones are "fid7" up to FID 63 and "fid_other" above.
  virtual std::string function_name(uint64_t eid, uint64_t fid) const;
};

// The table of extensions of one VM. Extensions can be switched off per VM
// by name (they then do not exist for the guest: probe 0, calls NOT_SUPPORTED).
class SbiDispatcher {
 public:
  SbiDispatcher();  // registers every extension this project implements
  // Switches an extension off; std::invalid_argument for a name that is not
  // registered. "base" may go too (the spec requires it, but a guest then
  // sees an SBI without probing, e.g. Linux falls back to v0.1 calls).
  void disable(const std::string& name);
  bool enabled(const std::string& name) const;
  // Finds the extension; nullptr if none or disabled.
  SbiExtension* find(uint64_t eid) const;
  // Dispatch: unknown/disabled extension -> {kSbiErrNotSupported}.
  SbiResult dispatch(Vcpu& vcpu, const SbiCall& call) const;
  std::vector<std::string> names() const;

 private:
  std::vector<std::unique_ptr<SbiExtension>> extensions_;
  std::vector<std::string> disabled_;
};

// Factories, one per file (hyp/sbi_base.cpp, ...).
std::unique_ptr<SbiExtension> make_sbi_base(const SbiDispatcher& table);
std::unique_ptr<SbiExtension> make_sbi_time();
std::unique_ptr<SbiExtension> make_sbi_ipi();
std::unique_ptr<SbiExtension> make_sbi_rfence();
std::unique_ptr<SbiExtension> make_sbi_hsm();
std::unique_ptr<SbiExtension> make_sbi_srst();
std::unique_ptr<SbiExtension> make_sbi_dbcn();
std::unique_ptr<SbiExtension> make_sbi_legacy();

}  // namespace rvh::hyp
