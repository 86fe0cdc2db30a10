// sbi_fuzz.cpp -- the hosted hypervisor's SBI implementation (hyp/sbi*.cpp,
// hyp/vcpu_sbi.cpp) against a hostile guest: every register an ECALL passes
// is chosen by the input, and the call is made the way the vCPU exit path
// makes it (the trap CSRs of an ECALL from VS-mode, then
// Scheduler::handle_exit), on the bench of hyp_fuzz_bench.h (2 vCPUs, 2 MiB of
// guest RAM; vCPU 0 started at guest RAM base, vCPU 1 stopped).
//
// Input layout (little-endian, zero-padded):
//   8 bytes    vsatp of both vCPUs: the guest's own page tables (Sv39/Sv48
//              with the root at guest RAM base, say), through which the
//              hypervisor reads what the calls point at by virtual address
//   64 bytes   copied to guest RAM base (strings and hart masks the calls
//              point at: DBCN buffers, ...; or the
//              first PTEs of a root page table)
//   records of 65 bytes, at most 32:
//     1 byte   the calling vCPU (modulo 2; if that one cannot run, the
//              other; if neither can, the input ends)
//     8 x 8    a0 a1 a2 a3 a4 a5 a6 (FID) a7 (EID)
//
// Checks, besides the sanitizers: the simulator never stops the VM with a
// "hypervisor error" (an exception escaping a handler); after a call that
// resumes the guest, the vCPU is back in VS-mode at the ECALL's pc + 4 with
// only a0 (and a1 for SBI v0.2+ calls) changed, and a0 of a v0.2+ call is
// a standard SBI error code.
#include <cstdint>
#include <cstring>
#include <string>

#include "tests/fuzz/hyp_fuzz_bench.h"

namespace {

using rvh::fuzz::HypFuzzBench;

constexpr unsigned kA0 = 10, kA1 = 11;
constexpr size_t kGuestData = 64;
constexpr unsigned kMaxCalls = 32;

bool is_legacy(uint64_t eid) { return eid <= rvh::hyp::kSbiExtLegacyShutdown; }

void check_resumed(HypFuzzBench& fb, unsigned id, uint64_t pc, const uint64_t (&before)[32], uint64_t eid) {
  rvh::Hart& h = fb.hart(id);
  FUZZ_CHECK(h.virt && h.priv == rvh::kPrivS, "vCPU %u not back in VS-mode after SBI 0x%llx", id,
             static_cast<unsigned long long>(eid));
  FUZZ_CHECK(h.pc == pc + 4, "vCPU %u resumes at 0x%llx, not after the ECALL at 0x%llx", id,
             static_cast<unsigned long long>(h.pc), static_cast<unsigned long long>(pc));
  const bool legacy = is_legacy(eid) && fb.vm().sbi().enabled("legacy");
  for (unsigned r = 0; r < 32; ++r) {
    if (r == kA0 || (r == kA1 && !legacy)) continue;
    FUZZ_CHECK(h.x[r] == before[r], "SBI 0x%llx changed x%u of the caller", static_cast<unsigned long long>(eid),
               r);
  }
  if (!legacy) {
    const int64_t err = static_cast<int64_t>(h.x[kA0]);
    FUZZ_CHECK(err <= 0 && err >= rvh::hyp::kSbiErrNoShmem, "SBI 0x%llx returned error %lld",
               static_cast<unsigned long long>(eid), static_cast<long long>(err));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  HypFuzzBench& fb = HypFuzzBench::get();
  fb.reset();
  rvh::fuzz::ByteReader in(data, size);

  fb.set_vsatp(in.u64());
  const std::string guest_data = in.bytes(kGuestData);
  fb.vm().write_guest_physical(rvh::fuzz::kGuestRamBase, guest_data.data(), guest_data.size());

  for (unsigned n = 0; n < kMaxCalls && !in.empty(); ++n) {
    unsigned id = in.u8() % fb.num_vcpus();
    if (!fb.runnable(id)) id = (id + 1) % fb.num_vcpus();
    if (!fb.runnable(id)) break;
    rvh::Hart& h = fb.hart(id);
    for (unsigned r = 10; r <= 17; ++r) h.x[r] = in.u64();
    const uint64_t eid = h.x[17];

    const uint64_t pc = h.pc;
    uint64_t before[32];
    std::memcpy(before, h.x, sizeof(before));
    fb.bench().enter_exit(id, rvh::csr::kCauseEcallVS, 0, pc);
    fb.bench().scheduler->handle_exit(h, false);

    if (fb.stopped()) {
      const std::string& why = fb.vm().stop_info().reason;
      FUZZ_CHECK(why.find("hypervisor error") == std::string::npos, "SBI 0x%llx: %s",
                 static_cast<unsigned long long>(eid), why.c_str());
      break;
    }
    if (fb.runnable(id)) check_resumed(fb, id, pc, before, eid);
  }
  return 0;
}
