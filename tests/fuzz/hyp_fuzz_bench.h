// hyp_fuzz_bench.h -- the hosted hypervisor bench of the SBI and guest MMIO
// fuzz targets: tests/unit/hyp_test_util.h's HypBench (two harts, one VM
// with two vCPUs) with 2 MiB of guest RAM mapped at creation (prefault).
//
// SystemC elaborates once per process, so the bench is built on the first
// input and reset before every input: HypBench::reset() (registers, CSRs,
// HSM states, stats, stop, guest RAM zeroed), then the G-stage root as it
// was after creation (reset() clears it; the tables below it and the pool
// are untouched, so every input sees the same fully mapped guest RAM and no
// input uses up page-table pages), vCPU 0 started at guest RAM base (as
// Vm::boot does). Nothing calls sc_start() after the first zero-time step,
// so no hart thread runs and no SystemC event fires: an input is the exits
// it makes, handled in order, and its outcome does not depend on earlier
// inputs.
#ifndef RVH_TESTS_FUZZ_HYP_FUZZ_BENCH_H
#define RVH_TESTS_FUZZ_HYP_FUZZ_BENCH_H

#include "tests/unit/hyp_test_util.h"  // HypBench, HartTestAccess; defines sc_main

#include <pthread.h>
#include <sanitizer/common_interface_defs.h>

#include <cstring>
#include <utility>
#include <vector>

#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"
#include "peripherals/uart16550.h"
#include "tests/fuzz/fuzz_util.h"

namespace rvh::fuzz {

constexpr uint64_t kGuestRamBase = test::kGuestRamBase;
constexpr uint64_t kFuzzGuestRamSize = 2ull << 20;

// SystemC 2.3.4 tells ASan about its coroutine switches
// (__sanitizer_start_switch_fiber) but gives the main context no stack
// bounds, so once an SC_THREAD has run (the harts' threads do), ASan and
// LeakSanitizer see the main thread's stack as empty and LSan reports what
// only the main stack refers to (libFuzzer's own state) as leaked. This sets
// the main thread's bounds back (a "switch" to the stack it is on); call it
// after sc_start().
inline void restore_main_stack_bounds() {
  static const std::pair<void*, size_t> main_stack = [] {
    pthread_attr_t attr;
    void* bottom = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &bottom, &size);
      pthread_attr_destroy(&attr);
    }
    return std::make_pair(bottom, size);
  }();
  if (!main_stack.first) return;
  void* fake_stack = nullptr;
  __sanitizer_start_switch_fiber(&fake_stack, main_stack.first, main_stack.second);
  __sanitizer_finish_switch_fiber(fake_stack, nullptr, nullptr);
}

class HypFuzzBench {
 public:
  static HypFuzzBench& get() {
    static HypFuzzBench* b = new HypFuzzBench();  // SystemC owns the modules until exit
    return *b;
  }

  test::HypBench& bench() { return *bench_; }
  hyp::Vm& vm() { return *bench_->vm; }
  Hart& hart(unsigned i) { return bench_->hart(i); }
  hyp::Vcpu& vcpu(unsigned i) { return bench_->vcpu(i); }
  unsigned num_vcpus() { return bench_->vm->num_vcpus(); }
  bool stopped() { return bench_->vm->stop_info().stopped; }

  void reset() {
    test::HypBench& b = *bench_;
    b.reset();
    uint8_t* root = b.ram.host_pointer(b.vm->gstage_root() - test::kHostRamBase);
    std::memcpy(root, root_snapshot_.data(), root_snapshot_.size());
    for (auto& h : b.harts) h->flush_tlb();
    for (unsigned i = 0; i < num_vcpus(); ++i) b.vcpu(i).stats() = hyp::VcpuStats{};
    FUZZ_CHECK(b.vcpu(0).start(kGuestRamBase, 0) == hyp::kSbiSuccess, "vCPU 0 does not start");
    restore_main_stack_bounds();  // reset() may have run sc_start()
  }

  // The guest's VS-stage translation (vsatp, as the guest writes it) on
  // every vCPU.
  void set_vsatp(uint64_t vsatp) {
    for (unsigned i = 0; i < num_vcpus(); ++i) {
      vcpu(i).csrs().vsatp = vsatp;  // on its hart, or in its saved context
      if (vcpu(i).loaded()) vcpu(i).hart().flush_tlb();
    }
  }

  // Whether vCPU i can make an exit now: started, on hart i (where the
  // scheduler puts it: its home hart), not asleep or parked, the VM running.
  bool runnable(unsigned i) {
    hyp::Vcpu& v = vcpu(i);
    if (stopped() || v.hsm_state() != hyp::HsmState::kStarted || !v.loaded() || &v.hart() != &hart(i)) return false;
    Hart& h = hart(i);
    return !h.halted() && !HartTestAccess::wfi_pending(h) && !HartTestAccess::parked(h);
  }

 private:
  std::unique_ptr<test::HypBench> bench_;
  std::vector<uint8_t> root_snapshot_;

  HypFuzzBench() {
    hyp::VmConfig c = test::HypBench::default_config();
    c.guest_ram_size = kFuzzGuestRamSize;
    c.prefault = true;
    bench_ = std::make_unique<test::HypBench>(c);
    bench_->vm->uart().set_output([](uint8_t) {});  // guest console output is not checked
    sc_core::sc_start(sc_core::SC_ZERO_TIME);       // end of elaboration; the harts park
    restore_main_stack_bounds();
    const uint8_t* root = bench_->ram.host_pointer(bench_->vm->gstage_root() - test::kHostRamBase);
    root_snapshot_.assign(root, root + (16 << 10));  // Sv39x4 root: 16 KiB
  }
};

}  // namespace rvh::fuzz

#endif  // RVH_TESTS_FUZZ_HYP_FUZZ_BENCH_H
