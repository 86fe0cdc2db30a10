// scheduler_test.cpp -- the hosted hypervisor's vCPU scheduler
// (hyp/scheduler.cpp): several vCPUs of several VMs on shared harts, the
// run queue, the save/restore of a vCPU's state when it leaves and comes back
// to a hart (hyp/guest_context.cpp), the switch costs (hyp.vcpu_switch,
// hyp.vm_switch, hyp.gstage_flush), interrupts that make a blocked vCPU
// runnable off its hart, the time slice and its reschedule interrupt, VMID
// sharing, VMs that stop, and SBI calls that name harts of another VM.
//
// SystemC elaborates once per process, so one bench holds three machines,
// each a group of harts with the scheduler that owns them and its VMs:
//  - one:    1 hart, hyp.vmid_bits 14; VM x (2 vCPUs) and VM y (1 vCPU);
//  - shared: 1 hart, hyp.vmid_bits 0;  VMs p and q (1 vCPU each), both VMID 0;
//  - two:    2 harts, a 200 us time slice; VM m (2 vCPUs) and VM n (1 vCPU).
// Every test starts from fresh_bench() (every vCPU stopped and off its hart,
// the harts parked in HS). Most tests fake exits in plain C++ (the state the
// hardware leaves, then Scheduler::handle_exit); the ones that need time run
// real guest code with sc_start().
#include "tests/unit/hyp_test_util.h"

#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "hyp/scheduler.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::test {
namespace {

namespace c = rvh::csr;
using hyp::RunState;

constexpr uint64_t kGuest = 0x80000000;     // guest RAM of every VM (guest-physical)
constexpr uint64_t kVmRam = 2ull << 20;
constexpr uint64_t kWfiAt = kGuest;         // `wfi`, then...
constexpr uint64_t kSpin = kGuest + 4;      // ... `j .`
constexpr uint64_t kProgram = kGuest + 0x100;  // a test's own guest code
constexpr uint32_t kWfi = 0x10500073;
constexpr uint64_t kSliceNs = 200'000;      // machine `two`'s time slice

// Harts, their scheduler, and the VMs it runs.
struct Machine {
  std::vector<std::unique_ptr<Hart>> harts;
  std::vector<std::unique_ptr<sc_core::sc_signal<bool>>> lines;
  std::unique_ptr<hyp::Scheduler> scheduler;
  std::vector<std::unique_ptr<hyp::Vm>> vms;
  std::vector<CsrFile> hart_csrs;               // as the scheduler set them up
  std::vector<std::vector<CsrFile>> vcpu_csrs;  // as each VM created its vCPUs
  unsigned all_stopped = 0;                     // on_all_stopped calls
  std::vector<std::string> stops;               // "vm: reason" per Vm::on_stop

  Hart& hart(unsigned i) { return *harts.at(i); }
  hyp::Vm& vm(unsigned i) { return *vms.at(i); }
  hyp::Scheduler& sched() { return *scheduler; }
  const hyp::SchedulerStats& stats() { return scheduler->stats(); }
  const hyp::HypCosts& costs() { return scheduler->costs(); }
  std::vector<Hart*> raw() {
    std::vector<Hart*> r;
    for (auto& h : harts) r.push_back(h.get());
    return r;
  }
};

struct SchedBench {
  Bus bus{"sched_bus", sc_core::SC_ZERO_TIME};
  Memory ram{"sched_ram", kHostRamSize};
  uint64_t next_window = kHostRamBase + (2ull << 20);  // the first 2 MiB: the host's own
  Machine one, shared, two;

  SchedBench() {
    bus.map("ram", kHostRamBase, kHostRamSize);
    bus.init_socket.bind(ram.socket);
    const uint32_t spin = enc::j_self();  // where an idle hart's HS pc points
    std::memcpy(ram.host_pointer(0), &spin, 4);
    hyp::HypCosts costs;
    build(one, "one", 1, costs, {{"x", 2}, {"y", 1}});
    costs.vmid_bits = 0;
    build(shared, "shared", 1, costs, {{"p", 1}, {"q", 1}});
    costs = hyp::HypCosts{};
    costs.time_slice_ns = kSliceNs;
    build(two, "two", 2, costs, {{"m", 2}, {"n", 1}});
  }

  void build(Machine& m, const std::string& name, unsigned num_harts, const hyp::HypCosts& costs,
             std::initializer_list<std::pair<const char*, unsigned>> vms) {
    for (unsigned i = 0; i < num_harts; ++i) {
      HartConfig hc;
      hc.hart_id = i;  // the scheduler's slot index
      hc.reset_pc = kHostRamBase;
      m.harts.push_back(std::make_unique<Hart>((name + "_hart" + std::to_string(i)).c_str(), hc));
      Hart& h = *m.harts.back();
      h.bus.bind(bus.targ_socket);
      for (sc_core::sc_in<bool>* in : {&h.irq_msip, &h.irq_mtip, &h.irq_meip, &h.irq_seip}) {
        m.lines.push_back(std::make_unique<sc_core::sc_signal<bool>>(sc_core::sc_gen_unique_name("line")));
        in->bind(*m.lines.back());
      }
    }
    m.scheduler = std::make_unique<hyp::Scheduler>((name + "_scheduler").c_str(), m.raw(), costs);
    m.scheduler->on_all_stopped = [&m] { ++m.all_stopped; };
    unsigned index = 0;
    for (const auto& [vm_name, vcpus] : vms) {
      hyp::VmConfig cfg;
      cfg.guest_ram_base = kGuest;
      cfg.guest_ram_size = kVmRam;
      cfg.num_vcpus = vcpus;
      cfg.prefault = true;  // no G-stage faults in the way
      cfg.costs = costs;
      cfg.vmid = m.scheduler->vmid_for(index++);
      hyp::HostWindow w;
      w.hpa_base = next_window;
      w.size = hyp::Vm::host_bytes_needed(kVmRam);
      w.host = ram.host_pointer(next_window - kHostRamBase);
      next_window += w.size;
      if (next_window > kHostRamBase + kHostRamSize) throw std::runtime_error("scheduler_test: host RAM too small");
      m.vms.push_back(std::make_unique<hyp::Vm>(vm_name, cfg, w, *m.scheduler));
      hyp::Vm& vm = *m.vms.back();
      vm.name = vm_name;
      vm.on_stop = [&m, &vm](int, const std::string& reason) { m.stops.push_back(vm.name + ": " + reason); };
      std::vector<CsrFile> initial;
      for (unsigned i = 0; i < vm.num_vcpus(); ++i) initial.push_back(vm.vcpu(i).csrs());
      m.vcpu_csrs.push_back(initial);
    }
    for (auto& h : m.harts) m.hart_csrs.push_back(h->csr);
  }

  // Every vCPU stopped and off its hart with its saved state as its VM
  // created it and zero stats; the VMs not stopped; the harts un-halted,
  // parked in HS with the scheduler's CSRs.
  void reset(Machine& m) {
    for (auto& vm : m.vms) vm->clear_stop();
    m.stops.clear();
    m.all_stopped = 0;
    for (auto& h : m.harts) HartTestAccess::unhalt(*h);
    m.scheduler->reset();
    for (unsigned i = 0; i < m.harts.size(); ++i) {
      Hart& h = m.hart(i);
      std::fill(std::begin(h.x), std::end(h.x), 0);
      std::fill(std::begin(h.f), std::end(h.f), 0);
      h.csr = m.hart_csrs[i];
      h.pc = h.npc = kHostRamBase;
      h.reservation = ~0ull;
      h.set_mode(kPrivS, false);
      h.flush_tlb();
      h.update_irq();
    }
    for (unsigned k = 0; k < m.vms.size(); ++k) {
      hyp::Vm& vm = m.vm(k);
      const uint32_t code[2] = {kWfi, enc::j_self()};
      vm.write_guest_physical(kWfiAt, code, sizeof code);
      for (unsigned i = 0; i < vm.num_vcpus(); ++i) {
        hyp::Vcpu& v = vm.vcpu(i);
        v.stats() = hyp::VcpuStats{};
        v.csrs() = m.vcpu_csrs[k][i];
        std::fill(v.gprs(), v.gprs() + 32, 0);
      }
    }
  }
};

SchedBench& bench() {
  static SchedBench* b = new SchedBench();  // never destroyed: SystemC owns the modules
  return *b;
}

// The bench with all three machines reset (see SchedBench::reset).
SchedBench& fresh_bench() {
  SchedBench& b = bench();
  if (!sc_core::sc_start_of_simulation_invoked()) sc_core::sc_start(sc_core::SC_ZERO_TIME);
  std::vector<Hart*> all;
  for (Machine* m : {&b.one, &b.shared, &b.two}) {
    b.reset(*m);
    for (Hart* h : m->raw()) all.push_back(h);
  }
  settle_parked_harts(all);
  return b;
}

// A fake exit of the vCPU on hart h, from VS at `pc`, carried out by the
// scheduler.
void exit_on(Machine& m, unsigned h, uint64_t cause, uint64_t tval, uint64_t pc) {
  enter_exit_state(m.hart(h), cause, tval, pc);
  m.sched().handle_exit(m.hart(h), false);
}
// The guest on hart h executes the WFI at kWfiAt (a virtual-instruction
// exit, VTW); it resumes at kSpin.
void wfi_exit(Machine& m, unsigned h) { exit_on(m, h, c::kCauseVirtualInsn, kWfi, kWfiAt); }

// An SBI call from the vCPU on hart h through its ECALL exit; returns a0.
int64_t sbi_from(Machine& m, unsigned h, uint64_t eid, uint64_t fid, std::initializer_list<uint64_t> args) {
  Hart& hart = m.hart(h);
  unsigned r = a0;
  for (uint64_t a : args) hart.x[r++] = a;
  hart.x[a6] = fid;
  hart.x[a7] = eid;
  exit_on(m, h, c::kCauseEcallVS, 0, kSpin);
  return static_cast<int64_t>(hart.x[a0]);
}

// The index of the hart vCPU v is on (it must be on one).
unsigned hart_of(Machine& m, hyp::Vcpu& v) {
  EXPECT_TRUE(v.loaded());
  for (unsigned i = 0; i < m.harts.size(); ++i)
    if (v.loaded() && &v.hart() == &m.hart(i)) return i;
  ADD_FAILURE() << "vCPU on no hart of the machine";
  return 0;
}

// Runs the simulation until every hart of `m` has had `t` of its own time
// (hypervisor cycles charged while a hart slept put it ahead of SystemC time).
void run_harts(Machine& m, const sc_core::sc_time& t) {
  sc_core::sc_time ahead = sc_core::SC_ZERO_TIME;
  for (auto& h : m.harts) ahead = std::max(ahead, h->local_time() - sc_core::sc_time_stamp());
  sc_core::sc_start(t + ahead);
}

sc_core::sc_time us(double v) { return sc_core::sc_time(v, sc_core::SC_US); }

uint64_t guest_instructions(hyp::Vcpu& v) {
  uint64_t vs = 0, vu = 0, cycles = 0;
  v.counters(vs, vu, cycles);
  return vs + vu;
}

// Starts each vCPU at `pc` (SBI HSM hart_start), in the order given.
bool start_all(uint64_t pc, std::initializer_list<hyp::Vcpu*> vcpus) {
  for (hyp::Vcpu* v : vcpus)
    if (v->start(pc, 0) != hyp::kSbiSuccess) return false;
  return true;
}

uint64_t cost(const hyp::Vcpu& v, const std::string& what) {
  const auto it = v.stats().cost_cycles.find(what);
  return it == v.stats().cost_cycles.end() ? 0 : it->second;
}

// ------------------------------------------------------- switching vCPUs

// Three vCPUs (two VMs) on one hart: the first started runs, the others
// wait; each WFI puts the next one on the hart with the state it had, and
// the incoming vCPU pays the switch.
TEST(SchedulerSwitch, ThreeVcpusOnOneHartSaveAndRestoreTheirState) {
  Machine& m = fresh_bench().one;
  hyp::Vcpu& x0 = m.vm(0).vcpu(0);
  hyp::Vcpu& x1 = m.vm(0).vcpu(1);
  hyp::Vcpu& y0 = m.vm(1).vcpu(0);
  Hart& h = m.hart(0);
  ASSERT_EQ(x0.start(kSpin, 0x10), hyp::kSbiSuccess);
  ASSERT_EQ(x1.start(kSpin, 0x11), hyp::kSbiSuccess);
  ASSERT_EQ(y0.start(kSpin, 0x20), hyp::kSbiSuccess);
  ASSERT_TRUE(x0.loaded());
  EXPECT_EQ(&x0.hart(), &h);
  EXPECT_EQ(m.sched().current(0), &x0);
  EXPECT_EQ(x0.run_state(), RunState::kRunning);
  EXPECT_EQ(x1.run_state(), RunState::kQueued);
  EXPECT_EQ(y0.run_state(), RunState::kQueued);
  EXPECT_FALSE(x1.loaded());
  EXPECT_FALSE(y0.loaded());
  EXPECT_TRUE(h.virt);
  EXPECT_EQ(h.pc, kSpin);
  EXPECT_EQ(h.x[a0], 0u);  // HSM start: a0 = vCPU id, a1 = opaque
  EXPECT_EQ(h.x[a1], 0x10u);

  // x0's own state on the hart (nothing here is pending and enabled: it
  // sleeps in its WFI); x1's saved state changed while it waits.
  for (unsigned i = 1; i < 32; ++i) h.x[i] = 0x1000 + i;
  for (unsigned i = 0; i < 32; ++i) h.f[i] = 0x4000000000000000ull + i;
  auto& cs = h.csr;
  cs.vsstatus = (2ull << 32) | c::kMstatusSPP | c::kMstatusSPIE;
  cs.vstvec = kGuest + 0x800;
  cs.vsscratch = 0x5c5c5c5c;
  cs.vsepc = kGuest + 0x123;
  cs.vscause = 13;
  cs.vstval = 0xbad0;
  cs.vsatp = (8ull << 60) | (7ull << 44) | 0x80123;
  cs.hvip = c::kMipVSSIP;            // pending, not enabled
  cs.mie |= c::kMipVSTIP;            // hie/vsie: the timer only
  cs.vstimecmp = 0x123456789abull;   // far ahead
  const CsrFile x0_csrs = cs;
  x1.gprs()[t0] = 0x55;
  x1.csrs().vsscratch = 0x77;

  wfi_exit(m, 0);  // x0 blocks; x1 comes on the hart
  EXPECT_FALSE(x0.loaded());
  EXPECT_EQ(x0.run_state(), RunState::kBlocked);
  ASSERT_EQ(m.sched().current(0), &x1);
  EXPECT_EQ(x1.run_state(), RunState::kRunning);
  EXPECT_TRUE(h.virt);
  EXPECT_EQ(h.priv, kPrivS);
  EXPECT_EQ(h.pc, kSpin);
  EXPECT_EQ(h.x[a0], 1u);
  EXPECT_EQ(h.x[a1], 0x11u);
  EXPECT_EQ(h.x[t0], 0x55u);
  EXPECT_EQ(h.x[s1], 0u);  // not x0's
  EXPECT_EQ(h.csr.vsscratch, 0x77u);
  EXPECT_EQ(h.csr.vsatp, 0u);
  EXPECT_EQ(h.csr.hvip, 0u);
  EXPECT_EQ(m.stats().vcpu_switches, 1u);  // same VM
  EXPECT_EQ(m.stats().vm_switches, 0u);
  EXPECT_EQ(cost(x1, "vcpu_switch"), m.costs().vcpu_switch);
  EXPECT_EQ(cost(x1, "vm_switch"), 0u);
  EXPECT_EQ(x0.stats().blocked_switches, 1u);

  // An interrupt for the blocked x0, off its hart: it waits its turn.
  x0.set_virtual_interrupt(c::kMipVSTIP, true, "VSTIP");
  EXPECT_EQ(x0.run_state(), RunState::kQueued);
  EXPECT_FALSE(x0.loaded());

  wfi_exit(m, 0);  // x1 blocks; y0 (another VM) comes on
  ASSERT_EQ(m.sched().current(0), &y0);
  EXPECT_EQ(h.x[a0], 0u);
  EXPECT_EQ(h.x[a1], 0x20u);
  EXPECT_EQ(h.csr.hgatp, y0.csrs().hgatp);
  EXPECT_NE(h.csr.hgatp, x0.csrs().hgatp);  // its own G-stage root and VMID
  EXPECT_EQ(m.stats().vm_switches, 1u);
  EXPECT_EQ(cost(y0, "vcpu_switch"), m.costs().vcpu_switch);
  EXPECT_EQ(cost(y0, "vm_switch"), m.costs().vm_switch);

  wfi_exit(m, 0);  // y0 blocks; x0 comes back as it left
  ASSERT_EQ(m.sched().current(0), &x0);
  EXPECT_EQ(x0.run_state(), RunState::kRunning);
  EXPECT_TRUE(h.virt);
  EXPECT_EQ(h.priv, kPrivS);
  EXPECT_EQ(h.pc, kSpin);  // after its WFI
  for (unsigned i = 1; i < 32; ++i) EXPECT_EQ(h.x[i], 0x1000u + i) << "x" << i;
  for (unsigned i = 0; i < 32; ++i) EXPECT_EQ(h.f[i], 0x4000000000000000ull + i) << "f" << i;
  EXPECT_EQ(h.csr.vsstatus, x0_csrs.vsstatus);
  EXPECT_EQ(h.csr.vstvec, x0_csrs.vstvec);
  EXPECT_EQ(h.csr.vsscratch, x0_csrs.vsscratch);
  EXPECT_EQ(h.csr.vsepc, x0_csrs.vsepc);
  EXPECT_EQ(h.csr.vscause, x0_csrs.vscause);
  EXPECT_EQ(h.csr.vstval, x0_csrs.vstval);
  EXPECT_EQ(h.csr.vsatp, x0_csrs.vsatp);
  EXPECT_EQ(h.csr.vstimecmp, x0_csrs.vstimecmp);
  EXPECT_EQ(h.csr.hvip, c::kMipVSSIP | c::kMipVSTIP);  // what it had, and the injected timer
  EXPECT_EQ(h.csr.mie & c::kVsInterrupts, c::kMipVSTIP);
  EXPECT_EQ(h.csr.hgatp, x0_csrs.hgatp);
  EXPECT_EQ(m.stats().vm_switches, 2u);
  EXPECT_EQ(m.stats().vcpu_switches, 1u);
  EXPECT_EQ(cost(x0, "vcpu_switch"), m.costs().vcpu_switch);
  EXPECT_EQ(cost(x0, "vm_switch"), m.costs().vm_switch);
  EXPECT_EQ(x0.stats().scheduled_in, 2u);
  // Distinct VMIDs (hyp.vmid_bits 14): no G-stage flush on a VM switch.
  EXPECT_EQ(m.stats().gstage_flushes, 0u);
  EXPECT_EQ(cost(x0, "gstage_flush") + cost(y0, "gstage_flush"), 0u);
  EXPECT_EQ(m.stats().migrations, 0u);  // one hart
}

// A vCPU made runnable takes the hart of a vCPU blocked on it (asleep in
// WFI with nobody waiting), which leaves the hart.
TEST(SchedulerSwitch, NewVcpuTakesTheHartOfABlockedOne) {
  Machine& m = fresh_bench().one;
  hyp::Vcpu& x0 = m.vm(0).vcpu(0);
  hyp::Vcpu& y0 = m.vm(1).vcpu(0);
  ASSERT_EQ(x0.start(kSpin, 0), hyp::kSbiSuccess);
  wfi_exit(m, 0);
  EXPECT_TRUE(x0.loaded());  // nobody waits: it stays on the sleeping hart
  EXPECT_EQ(x0.run_state(), RunState::kBlocked);
  EXPECT_TRUE(HartTestAccess::wfi_pending(m.hart(0)));
  ASSERT_EQ(y0.start(kSpin, 0), hyp::kSbiSuccess);
  EXPECT_EQ(m.sched().current(0), &y0);
  EXPECT_EQ(y0.run_state(), RunState::kRunning);
  EXPECT_FALSE(x0.loaded());
  EXPECT_EQ(x0.run_state(), RunState::kBlocked);
  EXPECT_EQ(x0.stats().blocked_switches, 1u);
  EXPECT_EQ(cost(y0, "vm_switch"), m.costs().vm_switch);
  EXPECT_FALSE(m.hart(0).parked());
}

// --------------------------------------------- interrupts off the hart

// A blocked vCPU off its hart that gets an IPI goes onto an idle hart, and
// pays the wake-up when it gets there.
TEST(SchedulerWake, IpiPutsABlockedVcpuOnAnIdleHart) {
  Machine& m = fresh_bench().two;
  hyp::Vcpu& m0 = m.vm(0).vcpu(0);
  hyp::Vcpu& m1 = m.vm(0).vcpu(1);
  hyp::Vcpu& n0 = m.vm(1).vcpu(0);
  ASSERT_TRUE(start_all(kSpin, {&m0, &n0, &m1}));
  EXPECT_EQ(m1.run_state(), RunState::kQueued);
  const unsigned hm = hart_of(m, m0), hn = hart_of(m, n0);
  EXPECT_NE(hm, hn);
  m.hart(hm).csr.mie |= c::kMipVSSIP;  // m0's vsie.SSIE
  wfi_exit(m, hm);                     // m0 blocks and leaves the hart to m1
  EXPECT_FALSE(m0.loaded());
  EXPECT_EQ(m0.run_state(), RunState::kBlocked);
  ASSERT_EQ(m.sched().current(hm), &m1);
  // m1 stops (SBI HSM hart_stop): nobody waits, the hart goes idle.
  sbi_from(m, hm, hyp::kSbiExtHsm, 1, {});
  EXPECT_FALSE(m1.loaded());
  EXPECT_EQ(m1.run_state(), RunState::kStopped);
  EXPECT_EQ(m1.hsm_state(), hyp::HsmState::kStopped);
  EXPECT_EQ(m.sched().current(hm), nullptr);
  EXPECT_TRUE(m.hart(hm).parked());

  m0.receive_ipi();
  ASSERT_TRUE(m0.loaded());
  EXPECT_EQ(&m0.hart(), &m.hart(hm));
  EXPECT_EQ(m0.run_state(), RunState::kRunning);
  EXPECT_FALSE(m.hart(hm).parked());
  EXPECT_TRUE(m.hart(hm).csr.hvip & c::kMipVSSIP);
  EXPECT_EQ(m0.stats().interrupts_injected.at("VSSIP"), 1u);
  EXPECT_EQ(cost(m0, "wfi_wakeup"), m.costs().wfi_wakeup);
  EXPECT_EQ(cost(m0, "vcpu_switch"), m.costs().vcpu_switch);  // m1 was last on the hart
  EXPECT_EQ(m.sched().current(hn), &n0);
}

// A vCPU blocked off its hart with nothing enabled stays blocked; the
// interrupt it enables wakes it (queued: no hart is free).
TEST(SchedulerWake, OnlyAnEnabledInterruptMakesItRunnable) {
  Machine& m = fresh_bench().one;
  hyp::Vcpu& x0 = m.vm(0).vcpu(0);
  hyp::Vcpu& y0 = m.vm(1).vcpu(0);
  ASSERT_EQ(x0.start(kSpin, 0), hyp::kSbiSuccess);
  ASSERT_EQ(y0.start(kSpin, 0), hyp::kSbiSuccess);
  m.hart(0).csr.mie |= c::kMipVSEIP;  // x0 enables its external interrupt only
  wfi_exit(m, 0);
  ASSERT_EQ(x0.run_state(), RunState::kBlocked);
  ASSERT_FALSE(x0.loaded());
  x0.set_virtual_interrupt(c::kMipVSSIP, true, "VSSIP");
  EXPECT_EQ(x0.run_state(), RunState::kBlocked);
  x0.set_virtual_interrupt(c::kMipVSEIP, true, "VSEIP");
  EXPECT_EQ(x0.run_state(), RunState::kQueued);
  EXPECT_EQ(x0.stats().interrupts_injected.at("VSEIP"), 1u);
}

// The guest arms an SBI timer and sleeps in WFI; with another vCPU waiting
// it leaves its hart. The timer fires off the hart: the vCPU is runnable
// again (queued, every hart busy) and gets a hart at the next time slice.
TEST(SchedulerWake, SbiTimerWakesABlockedVcpuOffItsHart) {
  Machine& m = fresh_bench().two;
  hyp::Vcpu& m0 = m.vm(0).vcpu(0);
  hyp::Vcpu& m1 = m.vm(0).vcpu(1);
  hyp::Vcpu& n0 = m.vm(1).vcpu(0);
  std::vector<uint32_t> p;
  p.push_back(enc::csrr(a0, 0xc01));  // rdtime
  p.push_back(enc::addi(a0, a0, 100));  // 10 us at 10 MHz
  enc::li(p, a7, static_cast<int64_t>(hyp::kSbiExtTime));
  enc::li(p, a6, 0);
  p.push_back(enc::ecall());  // set_timer
  p.push_back(enc::wfi());
  p.push_back(enc::j_self());
  ASSERT_TRUE(m.vm(0).write_guest_physical(kProgram, p.data(), 4 * p.size()));
  m0.csrs().mie |= c::kMipVSTIP;  // vsie.STIE (vsstatus.SIE stays 0: the guest takes no trap)
  ASSERT_EQ(m0.start(kProgram, 0), hyp::kSbiSuccess);
  ASSERT_EQ(n0.start(kSpin, 0), hyp::kSbiSuccess);
  ASSERT_EQ(m1.start(kSpin, 0), hyp::kSbiSuccess);
  ASSERT_EQ(m1.run_state(), RunState::kQueued);

  run_harts(m, us(5));  // set_timer, then WFI: m1 takes m0's hart
  EXPECT_EQ(m0.stats().sbi_calls["time.set_timer"], 1u);
  EXPECT_EQ(m0.stats().wfi_exit_stat, 1u);
  EXPECT_FALSE(m0.loaded());
  EXPECT_EQ(m0.run_state(), RunState::kBlocked);
  EXPECT_TRUE(m0.timer_armed());
  EXPECT_EQ(m1.run_state(), RunState::kRunning);

  run_harts(m, us(20));  // the deadline passed
  EXPECT_FALSE(m0.timer_armed());
  EXPECT_TRUE(m0.csrs().hvip & c::kMipVSTIP);
  EXPECT_EQ(m0.stats().interrupts_injected["VSTIP"], 1u);
  EXPECT_EQ(m0.run_state(), RunState::kQueued);
  EXPECT_FALSE(m0.loaded());

  run_harts(m, sc_core::sc_time(static_cast<double>(kSliceNs), sc_core::SC_NS));
  EXPECT_TRUE(m0.loaded());
  EXPECT_EQ(m0.stats().scheduled_in, 2u);
  EXPECT_EQ(cost(m0, "wfi_wakeup"), m.costs().wfi_wakeup);  // charged on the hart
  EXPECT_GE(m.stats().preemptions, 1u);
  EXPECT_TRUE(m.stops.empty()) << m.stops.front();
}

// ------------------------------------------------------------ time slice

// Three spinning vCPUs on two harts: nothing happens before the slice ends;
// then one hart gets the reschedule interrupt (an HS software interrupt),
// its vCPU goes back to the queue and the waiting one runs.
TEST(SchedulerTimeSlice, QueuedVcpuRunsAfterTheSlice) {
  Machine& m = fresh_bench().two;
  hyp::Vcpu& m0 = m.vm(0).vcpu(0);
  hyp::Vcpu& m1 = m.vm(0).vcpu(1);
  hyp::Vcpu& n0 = m.vm(1).vcpu(0);
  ASSERT_TRUE(start_all(kSpin, {&m0, &n0, &m1}));
  ASSERT_EQ(m1.run_state(), RunState::kQueued);
  const uint64_t irqs[2] = {m.hart(0).stats.interrupts, m.hart(1).stats.interrupts};
  const double slice_us = kSliceNs / 1000.0;

  sc_core::sc_start(us(slice_us - 20));  // the slice is SystemC time from the start
  EXPECT_EQ(m.stats().reschedule_interrupts, 0u);
  EXPECT_EQ(m.stats().preemptions, 0u);
  EXPECT_EQ(m1.run_state(), RunState::kQueued);
  EXPECT_GT(guest_instructions(m0), 1000u);
  EXPECT_GT(guest_instructions(n0), 1000u);

  run_harts(m, us(40));
  // Both running vCPUs used their slice while m1 waited: one hart at least
  // was interrupted, and each interrupt preempted its vCPU.
  const uint64_t reschedules = m.stats().reschedule_interrupts;
  EXPECT_GE(reschedules, 1u);
  EXPECT_LE(reschedules, 2u);
  EXPECT_EQ(m.stats().preemptions, reschedules);
  EXPECT_EQ(m1.run_state(), RunState::kRunning);
  EXPECT_NE(m0.run_state() == RunState::kQueued, n0.run_state() == RunState::kQueued);  // one waits now
  hyp::Vcpu& out = m0.run_state() == RunState::kQueued ? m0 : n0;
  EXPECT_EQ(out.stats().preempted, 1u);
  EXPECT_EQ(out.stats().host_interrupt_exits, 1u);
  EXPECT_EQ(m1.stats().preempted, 0u);
  // The reschedule interrupt (HS software interrupt) was taken by the harts,
  // once per reschedule, and is consumed.
  EXPECT_EQ(m.hart(0).stats.interrupts - irqs[0] + m.hart(1).stats.interrupts - irqs[1], reschedules);
  EXPECT_EQ(m.hart(hart_of(m, m1)).stats.interrupts - irqs[hart_of(m, m1)], 1u);
  for (unsigned i = 0; i < 2; ++i) EXPECT_FALSE(m.hart(i).csr.mip & c::kMipSSIP) << i;
  EXPECT_EQ(cost(m1, "vcpu_switch"), m.costs().vcpu_switch);  // the hart ran another vCPU before
}

// Round robin: over many slices every one of three spinning vCPUs on two
// harts waits its turn and runs about 2/3 of the time; none keeps a hart
// for good.
// (A preempted vCPU that goes back to the queue re-arms the slices of the
// running harts; once it did not, and one vCPU kept its hart for good.)
TEST(SchedulerTimeSlice, EveryVcpuGetsItsTurn) {
  Machine& m = fresh_bench().two;
  hyp::Vcpu* v[3] = {&m.vm(0).vcpu(0), &m.vm(1).vcpu(0), &m.vm(0).vcpu(1)};
  for (hyp::Vcpu* x : v) ASSERT_EQ(x->start(kSpin, 0), hyp::kSbiSuccess);
  run_harts(m, sc_core::sc_time(static_cast<double>(12 * kSliceNs + kSliceNs / 2), sc_core::SC_NS));
  uint64_t insns[3];
  std::string summary;
  for (unsigned i = 0; i < 3; ++i) {
    insns[i] = guest_instructions(*v[i]);
    summary += " " + v[i]->vm().name + std::to_string(v[i]->id()) + ": " + std::to_string(insns[i]) +
               " instructions, preempted " + std::to_string(v[i]->stats().preempted) + ";";
  }
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_GE(v[i]->stats().preempted, 3u) << summary;
    EXPECT_GE(v[i]->stats().scheduled_in, 4u) << summary;
  }
  // A slice more or less for one vCPU: none ran 1.5 times as much as another.
  for (unsigned i = 0; i < 3; ++i)
    for (unsigned j = 0; j < 3; ++j) EXPECT_LE(2 * insns[i], 3 * insns[j]) << summary;
}

// ------------------------------------------------------------------ VMIDs

TEST(SchedulerVmid, VmidsUnderVmidBits) {
  SchedBench& b = fresh_bench();
  EXPECT_EQ(b.one.sched().vmid_for(0), 1u);  // VMID 0 unused, as KVM
  EXPECT_EQ(b.one.sched().vmid_for(1), 2u);
  EXPECT_EQ(b.one.sched().vmid_for(16382), 16383u);
  EXPECT_EQ(b.one.sched().vmid_for(16383), 1u);  // 2^14 - 1 VMIDs, then shared
  EXPECT_EQ(b.one.vm(0).config().vmid, 1u);
  EXPECT_EQ(b.one.vm(1).config().vmid, 2u);
  EXPECT_EQ(b.shared.sched().vmid_for(0), 0u);
  EXPECT_EQ(b.shared.sched().vmid_for(5), 0u);
  for (unsigned k = 0; k < 2; ++k) {
    EXPECT_EQ(b.shared.vm(k).config().vmid, 0u);
    EXPECT_EQ((b.shared.vm(k).vcpu(0).csrs().hgatp >> c::kHgatpVmidShift) & 0x3fff, 0u);
  }
  EXPECT_EQ((b.one.vm(1).vcpu(0).csrs().hgatp >> c::kHgatpVmidShift) & 0x3fff, 2u);
}

// hyp.vmid_bits 0: both VMs have VMID 0, so a switch between them flushes
// the G-stage TLB (counted, and charged hyp.gstage_flush); a switch within
// a VM does not.
TEST(SchedulerVmid, SharedVmidFlushesAtEveryVmSwitch) {
  Machine& m = fresh_bench().shared;
  hyp::Vcpu& p0 = m.vm(0).vcpu(0);
  hyp::Vcpu& q0 = m.vm(1).vcpu(0);
  ASSERT_EQ(p0.start(kSpin, 0), hyp::kSbiSuccess);
  ASSERT_EQ(q0.start(kSpin, 0), hyp::kSbiSuccess);
  m.hart(0).csr.mie |= c::kMipVSSIP;
  wfi_exit(m, 0);  // p0 -> q0
  ASSERT_EQ(m.sched().current(0), &q0);
  EXPECT_EQ(m.stats().vm_switches, 1u);
  EXPECT_EQ(m.stats().gstage_flushes, 1u);
  EXPECT_EQ(cost(q0, "gstage_flush"), m.costs().gstage_flush);
  EXPECT_EQ(cost(q0, "vm_switch"), m.costs().vm_switch);
  EXPECT_EQ(cost(q0, "vcpu_switch"), m.costs().vcpu_switch);
  p0.set_virtual_interrupt(c::kMipVSSIP, true, "VSSIP");
  ASSERT_EQ(p0.run_state(), RunState::kQueued);
  wfi_exit(m, 0);  // q0 -> p0
  ASSERT_EQ(m.sched().current(0), &p0);
  EXPECT_EQ(m.stats().gstage_flushes, 2u);
  EXPECT_EQ(cost(p0, "gstage_flush"), m.costs().gstage_flush);
  const nlohmann::json j = m.sched().stats_json();
  EXPECT_EQ(j["gstage_flushes"].get<uint64_t>(), 2u);
  EXPECT_EQ(j["vmid_bits"].get<unsigned>(), 0u);
}

// ------------------------------------------------------------- VM stop

// A VM that stops leaves the harts (its running vCPU at once through a
// reschedule interrupt, its queued one from the queue); the other VM runs
// on. When the last VM stops, every hart halts and on_all_stopped runs.
TEST(SchedulerStop, StoppedVmLeavesTheOthersRunning) {
  Machine& m = fresh_bench().two;
  hyp::Vcpu& m0 = m.vm(0).vcpu(0);
  hyp::Vcpu& m1 = m.vm(0).vcpu(1);
  hyp::Vcpu& n0 = m.vm(1).vcpu(0);
  ASSERT_TRUE(start_all(kSpin, {&m0, &n0, &m1}));
  const unsigned hm = hart_of(m, m0), hn = hart_of(m, n0);
  run_harts(m, us(5));
  m.vm(0).stop(0, "test stop");
  EXPECT_EQ(m1.run_state(), RunState::kStopped);  // out of the queue at once
  run_harts(m, us(5));
  EXPECT_FALSE(m0.loaded());
  EXPECT_EQ(m0.run_state(), RunState::kStopped);
  EXPECT_FALSE(m1.loaded());
  EXPECT_EQ(m.sched().current(hm), nullptr);
  EXPECT_TRUE(m.hart(hm).parked());
  EXPECT_FALSE(m.hart(hm).halted());
  ASSERT_EQ(m.sched().current(hn), &n0);
  EXPECT_EQ(n0.run_state(), RunState::kRunning);
  const uint64_t before = guest_instructions(n0);
  run_harts(m, us(10));
  EXPECT_GT(guest_instructions(n0), before + 1000);
  EXPECT_EQ(m.all_stopped, 0u);
  EXPECT_EQ(m.stops, std::vector<std::string>{"m: test stop"});

  m.vm(1).stop(0, "last one");
  EXPECT_EQ(m.all_stopped, 1u);
  EXPECT_TRUE(m.hart(0).halted());
  EXPECT_TRUE(m.hart(1).halted());
  EXPECT_EQ(m.stops.size(), 2u);
}

// A hart left idle by a stopped VM whose vCPU slept there (WFI) runs the
// next vCPU put on it.
// (Hart::unpark() drops the sleep request of a park() asked of a sleeping
// hart; once it did not, and the hart went back to sleep.)
TEST(SchedulerStop, HartFreedFromASleepingVcpuRunsTheNextOne) {
  Machine& m = fresh_bench().two;
  hyp::Vcpu& m0 = m.vm(0).vcpu(0);
  hyp::Vcpu& m1 = m.vm(0).vcpu(1);
  hyp::Vcpu& n0 = m.vm(1).vcpu(0);
  ASSERT_EQ(n0.start(kWfiAt, 0), hyp::kSbiSuccess);  // WFI: asleep on its hart, nobody waits
  ASSERT_EQ(m0.start(kSpin, 0), hyp::kSbiSuccess);
  const unsigned hn = hart_of(m, n0);
  run_harts(m, us(5));
  ASSERT_EQ(n0.run_state(), RunState::kBlocked);
  ASSERT_TRUE(m.hart(hn).asleep());
  m.vm(1).stop(0, "done");
  EXPECT_FALSE(n0.loaded());
  EXPECT_EQ(m.sched().current(hn), nullptr);
  ASSERT_EQ(m1.start(kSpin, 0), hyp::kSbiSuccess);  // goes on the idle hart
  ASSERT_EQ(hart_of(m, m1), hn);
  run_harts(m, us(5));
  const uint64_t at5 = guest_instructions(m1);
  EXPECT_GT(at5, 1000u);
  run_harts(m, us(20));
  EXPECT_FALSE(m.hart(hn).asleep());
  EXPECT_GT(guest_instructions(m1), at5 + 10000) << "m1 stopped running: its hart went back to sleep";
  EXPECT_EQ(m1.run_state(), RunState::kRunning);
}

// ------------------------------------------------------ SBI across VMs

// A guest names harts by its own vCPU ids: ids beyond its VM are invalid,
// and nothing reaches the other VM's vCPUs.
TEST(SchedulerSbi, IpiAndHartStartOutsideTheVmAreInvalid) {
  Machine& m = fresh_bench().two;
  hyp::Vcpu& n0 = m.vm(1).vcpu(0);
  ASSERT_EQ(n0.start(kSpin, 0), hyp::kSbiSuccess);
  const unsigned h = hart_of(m, n0);
  const int64_t invalid = hyp::kSbiErrInvalidParam;
  EXPECT_EQ(sbi_from(m, h, hyp::kSbiExtIpi, 0, {0b10, 0}), invalid);  // hart 1: m's vCPU 1 elsewhere
  EXPECT_EQ(sbi_from(m, h, hyp::kSbiExtIpi, 0, {0b1, 1}), invalid);
  EXPECT_EQ(sbi_from(m, h, hyp::kSbiExtIpi, 0, {0b1, 2}), invalid);  // n0's index among all vCPUs
  EXPECT_EQ(sbi_from(m, h, hyp::kSbiExtHsm, 0, {1, kSpin, 0}), invalid);
  EXPECT_EQ(sbi_from(m, h, hyp::kSbiExtHsm, 0, {2, kSpin, 0}), invalid);
  EXPECT_EQ(sbi_from(m, h, hyp::kSbiExtHsm, 2, {1}), invalid);  // hart_get_status
  EXPECT_EQ(sbi_from(m, h, hyp::kSbiExtRfence, 0, {0b10, 0}), invalid);
  EXPECT_EQ(sbi_from(m, h, hyp::kSbiExtIpi, 0, {0, ~0ull}), 0);  // "all harts": n0 only
  EXPECT_TRUE(n0.csrs().hvip & c::kMipVSSIP);
  for (unsigned i = 0; i < 2; ++i) {
    hyp::Vcpu& v = m.vm(0).vcpu(i);
    EXPECT_FALSE(v.loaded()) << i;
    EXPECT_EQ(v.run_state(), RunState::kStopped) << i;
    EXPECT_EQ(v.hsm_state(), hyp::HsmState::kStopped) << i;
    EXPECT_EQ(v.csrs().hvip, 0u) << i;
    EXPECT_TRUE(v.stats().interrupts_injected.empty()) << i;
  }
  EXPECT_EQ(m.sched().current(1 - h), nullptr);
  EXPECT_TRUE(m.stops.empty());
}

}  // namespace
}  // namespace rvh::test
