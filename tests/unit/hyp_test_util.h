// hyp_test_util.h -- a VM bench for the hosted hypervisor's unit tests:
// two harts on a bus with 64 MiB of host RAM, the scheduler that owns them
// (hyp/scheduler.h), and one VM with two vCPUs and 16 MiB of guest RAM.
// Built once per process (SystemC allows one elaboration); include in one
// translation unit per test executable (it pulls in periph_test_util.h,
// which defines sc_main).
//
// Exit handlers are plain C++: a test puts vCPU i on hart i (load()), sets
// the trap CSRs the hardware would have written (enter_exit()), calls
// scheduler->handle_exit(), and checks the registers and CSRs. Nothing needs
// sc_start() unless a test wants time to pass (SBI timer, WFI).
#ifndef RVH_TESTS_UNIT_HYP_TEST_UTIL_H
#define RVH_TESTS_UNIT_HYP_TEST_UTIL_H

#include "tests/unit/hart_test_util.h"  // enc::, Reg, HartTestAccess; includes periph_test_util.h

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/hart.h"
#include "hyp/scheduler.h"
#include "hyp/vm.h"
#include "platform/bus.h"
#include "platform/memory.h"

namespace rvh::test {

constexpr uint64_t kHostRamBase = 0x80000000;
constexpr uint64_t kHostRamSize = 64ull << 20;
constexpr uint64_t kGuestRamBase = 0x80000000;
constexpr uint64_t kGuestRamSize = 16ull << 20;

// Hart::park() (Scheduler::reset) asks a running hart to sleep after its
// current exit. Let every hart thread get there (asleep in
// wait_for_interrupt, where parked alone keeps it), then drop the request:
// it would otherwise outlive the next unpark() (Vcpu::start) and put the
// started vCPU back to sleep.
inline void settle_parked_harts(const std::vector<Hart*>& harts) {
  if (!sc_core::sc_start_of_simulation_invoked()) return;
  for (int k = 0; k < 100; ++k) {
    bool all_asleep = true;
    sc_core::sc_time step(1, sc_core::SC_US);
    for (Hart* h : harts) {
      if (h->asleep()) continue;
      all_asleep = false;
      const sc_core::sc_time ahead = h->local_time() - sc_core::sc_time_stamp();
      if (ahead + sc_core::sc_time(1, sc_core::SC_US) > step) step = ahead + sc_core::sc_time(1, sc_core::SC_US);
    }
    if (all_asleep) break;
    sc_core::sc_start(step);
  }
  for (Hart* h : harts) HartTestAccess::clear_wfi_pending(*h);
}

struct HypBench {
  Bus bus{"hyp_bus"};
  Memory ram{"hyp_ram", kHostRamSize};
  std::vector<std::unique_ptr<Hart>> harts;
  sc_core::sc_vector<sc_core::sc_signal<bool>> lines{"hyp_lines", 8};
  std::unique_ptr<hyp::Scheduler> scheduler;
  std::unique_ptr<hyp::Vm> vm;
  int stop_code = -1;
  std::string stop_reason;

  explicit HypBench(const hyp::VmConfig& overrides = default_config()) {
    bus.map("ram", kHostRamBase, kHostRamSize);
    bus.init_socket.bind(ram.socket);
    std::vector<Hart*> raw;
    for (unsigned i = 0; i < 2; ++i) {
      HartConfig hc;
      hc.hart_id = i;
      auto h = std::make_unique<Hart>(("hyp_hart" + std::to_string(i)).c_str(), hc);
      h->bus.bind(bus.targ_socket);
      h->irq_msip.bind(lines[4 * i + 0]);
      h->irq_mtip.bind(lines[4 * i + 1]);
      h->irq_meip.bind(lines[4 * i + 2]);
      h->irq_seip.bind(lines[4 * i + 3]);
      raw.push_back(h.get());
      harts.push_back(std::move(h));
    }
    hyp::HostWindow w;
    w.hpa_base = kHostRamBase + (2ull << 20);
    w.size = kHostRamSize - (2ull << 20);
    w.host = ram.host_pointer(2ull << 20);
    scheduler = std::make_unique<hyp::Scheduler>("hyp_scheduler", raw, overrides.costs);
    vm = std::make_unique<hyp::Vm>("test_vm", overrides, w, *scheduler);
    vm->on_stop = [this](int code, const std::string& reason) {
      stop_code = code;
      stop_reason = reason;
    };
    initial_config_ = vm->config();
    for (auto& h : harts) initial_csrs_.push_back(h->csr);
    for (unsigned i = 0; i < vm->num_vcpus(); ++i) initial_vcpu_csrs_.push_back(vm->vcpu(i).csrs());
  }

  // Fresh state for one test in a process that runs several (gtest_shuffle,
  // --gtest_repeat): the VM's run-time switches back to the bench's, the
  // stop forgotten, the G-stage empty (root cleared: every guest page faults
  // again), guest RAM zeroed, the harts un-halted with the registers zero and
  // the CSRs as the scheduler set them up, parked in HS at pc 0 with no vCPU
  // on them (Scheduler::reset), both vCPUs stopped (HSM) with zero stats and
  // their saved registers and CSRs as the VM created them.
  void reset() {
    vm->mutable_config() = initial_config_;
    vm->clear_stop();
    stop_code = -1;
    stop_reason.clear();
    std::memset(ram.host_pointer(vm->gstage_root() - kHostRamBase), 0, 16 << 10);
    static const std::vector<uint8_t> zeros(1 << 20, 0);
    for (uint64_t off = 0; off < kGuestRamSize; off += zeros.size())
      vm->write_guest_physical(kGuestRamBase + off, zeros.data(), zeros.size());
    for (auto& h : harts) HartTestAccess::unhalt(*h);
    scheduler->reset();  // saves the vCPUs' state: overwritten below
    for (unsigned i = 0; i < harts.size(); ++i) {
      Hart& h = *harts[i];
      std::fill(std::begin(h.x), std::end(h.x), 0);
      std::fill(std::begin(h.f), std::end(h.f), 0);
      h.csr = initial_csrs_[i];
      h.pc = h.npc = 0;
      h.reservation = ~0ull;
      h.set_mode(kPrivS, false);
      h.flush_tlb();
      h.update_irq();
    }
    for (unsigned i = 0; i < vm->num_vcpus(); ++i) {
      hyp::Vcpu& v = vcpu(i);
      v.stats() = hyp::VcpuStats{};
      v.csrs() = initial_vcpu_csrs_[i];  // off its hart: the saved context
      std::fill(v.gprs(), v.gprs() + 32, 0);
    }
    std::vector<Hart*> raw;
    for (auto& h : harts) raw.push_back(h.get());
    settle_parked_harts(raw);
  }

  static hyp::VmConfig default_config() {
    hyp::VmConfig c;
    c.guest_ram_size = kGuestRamSize;
    c.num_vcpus = 2;
    return c;
  }

  hyp::VmConfig initial_config_;
  std::vector<CsrFile> initial_csrs_;
  std::vector<CsrFile> initial_vcpu_csrs_;

  hyp::Vcpu& vcpu(unsigned i) { return vm->vcpu(i); }
  Hart& hart(unsigned i) { return *harts.at(i); }

  // vCPU i started (SBI HSM hart_start: VS-mode at `pc`, a0 = i) and put on
  // hart i, its home hart, by the scheduler; its FP registers zero. A test
  // then sets the hart's state and fakes exits on it.
  void load(unsigned i, uint64_t pc = kGuestRamBase) {
    hyp::Vcpu& v = vcpu(i);
    if (v.start(pc, 0) != hyp::kSbiSuccess) throw std::logic_error("load: vcpu" + std::to_string(i) + " not stopped");
    if (!v.loaded() || &v.hart() != &hart(i))
      throw std::logic_error("load: vcpu" + std::to_string(i) + " not put on hart " + std::to_string(i));
    std::fill(std::begin(hart(i).f), std::end(hart(i).f), 0);
  }

  // Runs the simulation until every hart has had `t` of its own time: a
  // hart starts as far ahead of SystemC time as the hypervisor work charged
  // to it while it slept (earlier tests' exits included: the cycles are not
  // reset).
  void run_harts(const sc_core::sc_time& t) {
    sc_core::sc_time ahead = sc_core::SC_ZERO_TIME;
    for (auto& h : harts) ahead = std::max(ahead, h->local_time() - sc_core::sc_time_stamp());
    sc_core::sc_start(t + ahead);
  }

  // The state the hardware leaves on hart `vcpu_id` (where load() put the
  // vCPU) after a trap from the guest into HS (enter_exit_state below).
  void enter_exit(unsigned vcpu_id, uint64_t cause, uint64_t tval, uint64_t pc, bool from_vs = true,
                  uint64_t htval = 0, uint64_t htinst = 0);
};

// The state the hardware leaves after a trap from the guest into HS:
// sepc, scause, stval, htval, htinst, hstatus.SPV/SPVP, sstatus.SPP, V=0.
inline void enter_exit_state(Hart& h, uint64_t cause, uint64_t tval, uint64_t pc, bool from_vs = true,
                             uint64_t htval = 0, uint64_t htinst = 0) {
  h.csr.scause = cause;
  h.csr.stval = tval;
  h.csr.sepc = pc;
  h.csr.htval = htval;
  h.csr.htinst = htinst;
  h.csr.hstatus |= csr::kHstatusSPV;
  h.csr.hstatus = (h.csr.hstatus & ~csr::kHstatusSPVP) | (from_vs ? csr::kHstatusSPVP : 0);
  h.csr.mstatus = (h.csr.mstatus & ~csr::kMstatusSPP) | (from_vs ? csr::kMstatusSPP : 0);
  h.set_mode(kPrivS, false);
}

inline void HypBench::enter_exit(unsigned vcpu_id, uint64_t cause, uint64_t tval, uint64_t pc, bool from_vs,
                                 uint64_t htval, uint64_t htinst) {
  enter_exit_state(hart(vcpu_id), cause, tval, pc, from_vs, htval, htinst);
}

// One bench per process (SystemC elaborates once).
inline HypBench& hyp_bench() {
  static HypBench* bench = new HypBench();
  return *bench;
}

// The bench, reset for a test. Ends elaboration first (sc_start of zero
// time): the bus's multi-socket completes its bindings there, and the harts
// reach the bus (HLV/HLVX, G-stage walks) only after that.
inline HypBench& fresh_hyp_bench() {
  HypBench& b = hyp_bench();
  if (!sc_core::sc_start_of_simulation_invoked()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  b.reset();
  return b;
}

}  // namespace rvh::test

#endif
