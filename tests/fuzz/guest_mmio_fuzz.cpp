// guest_mmio_fuzz.cpp -- MMIO exits of the hosted hypervisor: a guest's
// load or store faults in the G-stage on a guest-physical address with no
// RAM behind it, and the hypervisor decodes the instruction (from htinst,
// or fetched from guest memory with HLVX: hyp/mmio_decode.*), emulates it
// on the VM's virtual UART and PLIC (Vm::mmio_access; the same 16550 and
// PLIC models as the SoC's, peripherals/) and resumes the guest
// (hyp/gstage_fault.cpp). Everything is chosen by the input, as a hostile
// guest could: the instruction, htinst, the address, the register values.
//
// Bench: hyp_fuzz_bench.h (vCPU 0 in VS-mode; guest RAM mapped; vstvec at
// guest RAM base + 0x2000), the VM's UART and PLIC reset through their
// registers before every input (device_reset.h). Input:
//   u64  vsatp: the guest's page tables, through which the hypervisor
//        fetches the instruction at pc (GVA) when htinst is 0
//   64 bytes copied to guest RAM base (e.g. the first PTEs of a root table)
// then at most 64 records of 26 bytes:
//   u8   where: bits 1:0 0 the UART, 1 the PLIC, 2 guest RAM, 3 `offset`
//        as a guest-physical address; bit 2 store (else load) fault; bit 3
//        the fault came from VU-mode (else VS)
//   u64  offset into that region (modulo its size, except for 3)
//   u32  htinst (0: the hypervisor reads the instruction at pc)
//   u32  the instruction at the faulting pc (guest RAM base + 0x1000)
//   u64  the value of every x register (x1..x31) at the fault
//
// Checks, besides the sanitizers: no exit stops the VM with a "hypervisor
// error" (an exception escaping a handler); an exit that resumes the guest
// returns to the guest at pc + 2 or + 4 (MMIO), at pc (a G-stage map), or
// to VS-mode at vstvec (a fault of the instruction fetch, redirected), with
// every register but the load's destination unchanged.
#include <cstdint>
#include <cstring>
#include <string>

#include "tests/fuzz/device_reset.h"
#include "tests/fuzz/hyp_fuzz_bench.h"

namespace {

using rvh::fuzz::HypFuzzBench;

constexpr uint64_t kUartBase = 0x10000000, kPlicBase = 0xc000000;
constexpr uint64_t kPc = rvh::fuzz::kGuestRamBase + 0x1000;
constexpr uint64_t kVstvec = rvh::fuzz::kGuestRamBase + 0x2000;
constexpr size_t kGuestData = 64;
constexpr unsigned kMaxExits = 64;

rvh::fuzz::DeviceIo vm_device(HypFuzzBench& fb, uint64_t base) {
  return [&fb, base](uint64_t offset, unsigned len, bool write, uint64_t value) {
    uint8_t d[8] = {};
    for (unsigned i = 0; i < len; ++i) d[i] = static_cast<uint8_t>(value >> (8 * i));
    sc_core::sc_time t = sc_core::SC_ZERO_TIME;
    bool kernel = false;
    fb.vm().mmio_access(base + offset, d, len, write, t, kernel);
    uint64_t v = 0;
    for (unsigned i = 0; i < len && !write; ++i) v |= uint64_t{d[i]} << (8 * i);
    return v;
  };
}

uint64_t gpa_of(uint8_t where, uint64_t offset) {
  switch (where & 3) {
    case 0: return kUartBase + offset % rvh::Uart16550::kSize;
    case 1: return kPlicBase + offset % rvh::Plic::kSize;
    case 2: return rvh::fuzz::kGuestRamBase + offset % rvh::fuzz::kFuzzGuestRamSize;
    default: return offset;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  HypFuzzBench& fb = HypFuzzBench::get();
  fb.reset();
  rvh::fuzz::reset_uart(vm_device(fb, kUartBase), 0);
  rvh::fuzz::reset_plic(vm_device(fb, kPlicBase), 95, 2 * fb.num_vcpus());
  rvh::Hart& h = fb.hart(0);
  h.csr.vstvec = kVstvec;

  rvh::fuzz::ByteReader in(data, size);
  fb.set_vsatp(in.u64());
  const std::string guest_data = in.bytes(kGuestData);
  fb.vm().write_guest_physical(rvh::fuzz::kGuestRamBase, guest_data.data(), guest_data.size());
  for (unsigned n = 0; n < kMaxExits && !in.empty() && fb.runnable(0); ++n) {
    const uint8_t where = in.u8();
    const uint64_t gpa = gpa_of(where, in.u64());
    const uint32_t htinst = in.u32();
    const uint32_t insn = in.u32();
    const uint64_t value = in.u64();
    const bool store = where & 4;
    const bool from_vs = !(where & 8);

    FUZZ_CHECK(fb.vm().write_guest_physical(kPc, &insn, 4), "guest RAM at pc not writable");
    for (unsigned r = 1; r < 32; ++r) h.x[r] = value;
    uint64_t before[32];
    std::memcpy(before, h.x, sizeof(before));
    const uint64_t cause = store ? rvh::csr::kCauseStoreGuestPageFault : rvh::csr::kCauseLoadGuestPageFault;
    // GVA = GPA (vsatp is bare); htval holds GPA >> 2, stval its low bits.
    fb.bench().enter_exit(0, cause, gpa, kPc, from_vs, gpa >> 2, htinst);
    fb.bench().scheduler->handle_exit(h, false);

    if (fb.stopped()) {
      const std::string& why = fb.vm().stop_info().reason;
      FUZZ_CHECK(why.find("hypervisor error") == std::string::npos, "MMIO exit at 0x%llx: %s",
                 static_cast<unsigned long long>(gpa), why.c_str());
      break;
    }
    if (!fb.runnable(0)) break;
    const bool redirected = h.pc == kVstvec;
    FUZZ_CHECK(h.virt && h.priv == (from_vs || redirected ? rvh::kPrivS : rvh::kPrivU),
               "not back in the guest's mode after an exit at 0x%llx", static_cast<unsigned long long>(gpa));
    FUZZ_CHECK(redirected || h.pc == kPc || h.pc == kPc + 2 || h.pc == kPc + 4,
               "resumes at 0x%llx after an exit at 0x%llx", static_cast<unsigned long long>(h.pc),
               static_cast<unsigned long long>(gpa));
    if (redirected) h.pc = kPc;  // the next record faults at pc again
    unsigned changed = 0;
    for (unsigned r = 0; r < 32; ++r) changed += h.x[r] != before[r];
    FUZZ_CHECK(changed <= 1 && (changed == 0 || !store), "a %s exit changed %u registers", store ? "store" : "load",
               changed);
  }
  return 0;
}
