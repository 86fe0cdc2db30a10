// sbi_test.cpp -- the SBI provider of the hosted hypervisor (hyp/sbi*.cpp).
//
// The SbiDispatcher and the hart-list helper are tested on their own; the
// extensions are called through SbiDispatcher::dispatch against real VMs
// (hyp::Vm + hyp::Vcpu on real harts sharing one host RAM, each VM with its
// own harts and the hyp::Scheduler that owns them), as the vCPU's ECALL exit
// does, and one guest program makes real ECALLs from VS-mode.
//
// SystemC allows one elaboration per process, so the bench builds all VMs
// once: the main VM (3 vCPUs on 3 harts) for most tests, and small 1-vCPU
// VMs for the tests that stop their VM (a stopped VM stays stopped). Tests
// of the main VM start from fresh_main() (every vCPU stopped, off its hart);
// a call that needs the caller's hart (set_timer, guest-virtual hart masks)
// first starts the vCPU (load()). Every test also passes alone (ctest runs
// each case in its own process).
#include "tests/unit/hart_test_util.h"  // sc_main, enc::

#include <cstring>
#include <initializer_list>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cpu/hart.h"
#include "hyp/sbi.h"
#include "hyp/scheduler.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"
#include "peripherals/uart16550.h"
#include "platform/bus.h"
#include "platform/memory.h"

namespace rvh::test {
namespace {

using hyp::HsmState;
using hyp::SbiAction;
using hyp::SbiCall;
using hyp::SbiResult;

constexpr uint64_t kHostRam = 0x80000000ull;
constexpr uint64_t kHostRamSize = 64ull << 20;
constexpr uint64_t kHostPark = kHostRam;  // `j .` where parked harts would sit
constexpr uint64_t k2MiB = 2ull << 20;

constexpr uint64_t kGuestRam = 0x80000000ull;     // guest-physical
constexpr uint64_t kMainRamSize = 8ull << 20;
constexpr uint64_t kSmallRamSize = 2ull << 20;
constexpr uint64_t kGuestSpin = kGuestRam;           // `j .` in every VM
constexpr uint64_t kGuestMask = kGuestRam + 0x1000;  // legacy hart masks
constexpr uint64_t kGuestBuf = kGuestRam + 0x2000;   // DBCN buffers
constexpr unsigned kMainVcpus = 3;

// EIDs/FIDs used below.
constexpr uint64_t kBase = hyp::kSbiExtBase, kTime = hyp::kSbiExtTime, kIpi = hyp::kSbiExtIpi,
                   kRfence = hyp::kSbiExtRfence, kHsm = hyp::kSbiExtHsm, kSrst = hyp::kSbiExtSrst,
                   kDbcn = hyp::kSbiExtDbcn;

// One VM with its own harts and captured console output.
struct VmUnit {
  std::vector<std::unique_ptr<sc_core::sc_signal<bool>>> lines;
  std::vector<std::unique_ptr<Hart>> harts;
  std::unique_ptr<hyp::Scheduler> scheduler;
  std::unique_ptr<hyp::Vm> vm;
  std::string out;
};

struct SbiBench {
  Bus bus{"bus", sc_core::SC_ZERO_TIME};
  Memory ram{"ram", kHostRamSize};
  uint64_t next_window = kHostRam + k2MiB;  // the first 2 MiB: the host's own
  VmUnit main, srst_shutdown, srst_warm_fail, srst_cold_disabled, legacy_shutdown, e2e, hsm;

  SbiBench() {
    bus.map("ram", kHostRam, kHostRamSize);
    bus.init_socket.bind(ram.socket);
    w32host(kHostPark, enc::j_self());
    build(main, "vm_main", kMainVcpus, kMainRamSize, {});
    build(srst_shutdown, "vm_srst_shutdown", 1, kSmallRamSize, {});
    build(srst_warm_fail, "vm_srst_warm_fail", 1, kSmallRamSize, {});
    build(srst_cold_disabled, "vm_srst_cold_disabled", 1, kSmallRamSize, {"dbcn", "legacy"});
    build(legacy_shutdown, "vm_legacy_shutdown", 1, kSmallRamSize, {});
    build(e2e, "vm_e2e", 1, kSmallRamSize, {});
    build(hsm, "vm_hsm", 2, kSmallRamSize, {});
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // end of elaboration; parked harts stay parked
  }

  void w32host(uint64_t pa, uint32_t v) { std::memcpy(ram.host_pointer(pa - kHostRam), &v, 4); }

  void build(VmUnit& u, const std::string& name, unsigned vcpus, uint64_t guest_ram,
             const std::vector<std::string>& disabled) {
    std::vector<Hart*> harts;
    for (unsigned i = 0; i < vcpus; ++i) {
      HartConfig hc;
      hc.hart_id = i;
      hc.reset_pc = kHostPark;
      u.harts.push_back(std::make_unique<Hart>((name + "_hart" + std::to_string(i)).c_str(), hc));
      Hart& h = *u.harts.back();
      h.bus.bind(bus.targ_socket);
      for (sc_core::sc_in<bool>* in : {&h.irq_msip, &h.irq_mtip, &h.irq_meip, &h.irq_seip}) {
        u.lines.push_back(std::make_unique<sc_core::sc_signal<bool>>(sc_core::sc_gen_unique_name("line")));
        in->bind(*u.lines.back());
      }
      harts.push_back(&h);
    }
    hyp::VmConfig c;
    c.guest_ram_base = kGuestRam;
    c.guest_ram_size = guest_ram;
    c.num_vcpus = vcpus;
    c.prefault = true;  // read_guest_virtual needs G-stage mappings
    c.disabled_sbi = disabled;
    hyp::HostWindow w;
    w.hpa_base = next_window;
    w.size = hyp::Vm::host_bytes_needed(guest_ram);
    w.host = ram.host_pointer(next_window - kHostRam);
    next_window += (w.size + k2MiB - 1) & ~(k2MiB - 1);
    if (next_window > kHostRam + kHostRamSize) throw std::runtime_error("sbi_test: host RAM too small");
    u.scheduler = std::make_unique<hyp::Scheduler>((name + "_scheduler").c_str(), harts, c.costs);
    u.vm = std::make_unique<hyp::Vm>(name.c_str(), c, w, *u.scheduler);
    u.vm->uart().set_output([&u](uint8_t b) { u.out.push_back(static_cast<char>(b)); });
    const uint32_t spin = enc::j_self();
    u.vm->write_guest_physical(kGuestSpin, &spin, 4);
  }
};

SbiBench& sbi_bench() {
  static SbiBench* b = new SbiBench();  // never destroyed: SystemC owns the modules
  return *b;
}

SbiResult call(VmUnit& u, unsigned vcpu, uint64_t eid, uint64_t fid, std::initializer_list<uint64_t> args = {}) {
  SbiCall c;
  c.eid = eid;
  c.fid = fid;
  unsigned i = 0;
  for (uint64_t a : args) c.args[i++] = a;
  return u.vm->sbi().dispatch(u.vm->vcpu(vcpu), c);
}

uint64_t sbi_count(VmUnit& u, unsigned vcpu, const std::string& key) {
  auto& m = u.vm->vcpu(vcpu).stats().sbi_calls;
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

// The main VM with every vCPU stopped (HSM) and off its hart, the harts
// parked (Scheduler::reset); its statistics go on.
VmUnit& fresh_main() {
  VmUnit& u = sbi_bench().main;
  u.scheduler->reset();
  // A hart running a guest parks after its current quantum: let it get
  // there, then drop the park request (it would outlive the next unpark).
  for (unsigned k = 0; k < 100; ++k) {
    bool all_asleep = true;
    for (auto& h : u.harts) all_asleep &= h->asleep();
    if (all_asleep) break;
    sc_core::sc_start(2, sc_core::SC_US);
  }
  for (auto& h : u.harts) HartTestAccess::clear_wfi_pending(*h);
  return u;
}

// vCPU i started at the `j .` (HSM hart_start) and on a hart, as a caller
// whose SBI call needs its hart (set_timer, hart masks in guest memory).
hyp::Vcpu& load(VmUnit& u, unsigned i) {
  hyp::Vcpu& v = u.vm->vcpu(i);
  if (!v.loaded()) {
    EXPECT_EQ(v.start(kGuestSpin, 0), hyp::kSbiSuccess);
  }
  EXPECT_TRUE(v.loaded());
  return v;
}

// The vCPU's hvip wherever its state is (its hart, or its saved context).
uint64_t& hvip(VmUnit& u, unsigned vcpu) { return u.vm->vcpu(vcpu).csrs().hvip; }
void clear_vssip(VmUnit& u) {
  for (unsigned i = 0; i < u.vm->num_vcpus(); ++i) hvip(u, i) &= ~csr::kMipVSSIP;
}
bool vssip(VmUnit& u, unsigned vcpu) { return hvip(u, vcpu) & csr::kMipVSSIP; }
void drain_input(VmUnit& u) {
  while (u.vm->console_read() >= 0) {
  }
}

void expect_ok(const SbiResult& r, uint64_t value = 0) {
  EXPECT_EQ(r.error, hyp::kSbiSuccess);
  EXPECT_EQ(r.value, value);
  EXPECT_EQ(r.action, SbiAction::kResume);
  EXPECT_FALSE(r.legacy);
}
void expect_err(const SbiResult& r, int64_t error) {
  EXPECT_EQ(r.error, error);
  EXPECT_EQ(r.action, SbiAction::kResume);
  EXPECT_FALSE(r.legacy);
}
void expect_legacy(const SbiResult& r, int64_t a0, SbiAction action = SbiAction::kResume) {
  EXPECT_TRUE(r.legacy);
  EXPECT_EQ(r.error, a0);
  EXPECT_EQ(r.value, static_cast<uint64_t>(a0));
  EXPECT_EQ(r.action, action);
}

// ---------------------------------------------------------------- dispatcher

TEST(SbiDispatcher, RegistersEveryExtensionInOrder) {
  hyp::SbiDispatcher d;
  EXPECT_EQ(d.names(), (std::vector<std::string>{"base", "time", "ipi", "rfence", "hsm", "srst", "dbcn", "legacy"}));
  const std::pair<uint64_t, const char*> served[] = {
      {kBase, "base"}, {kTime, "time"}, {kIpi, "ipi"}, {kRfence, "rfence"}, {kHsm, "hsm"},
      {kSrst, "srst"}, {kDbcn, "dbcn"}, {0x00, "legacy"}, {0x04, "legacy"}, {0x08, "legacy"}};
  for (const auto& [eid, name] : served) {
    const hyp::SbiExtension* e = d.find(eid);
    ASSERT_NE(e, nullptr) << std::hex << eid;
    EXPECT_STREQ(e->name(), name);
    EXPECT_TRUE(d.enabled(name));
  }
  for (uint64_t eid : {0x09ull, 0x0full, 0x11ull, 0x504d55ull /* PMU */, 0x53555350ull /* SUSP */, ~0ull})
    EXPECT_EQ(d.find(eid), nullptr) << std::hex << eid;
}

TEST(SbiDispatcher, DisableSwitchesAnExtensionOff) {
  hyp::SbiDispatcher d;
  d.disable("dbcn");
  d.disable("dbcn");  // twice is fine
  EXPECT_FALSE(d.enabled("dbcn"));
  EXPECT_EQ(d.find(kDbcn), nullptr);
  EXPECT_NE(d.find(kTime), nullptr);
  d.disable("legacy");
  for (uint64_t eid = 0; eid <= 8; ++eid) EXPECT_EQ(d.find(eid), nullptr);
  EXPECT_THROW(d.disable("pmu"), std::invalid_argument);
  EXPECT_NE(d.find(kBase), nullptr);
  d.disable("base");  // allowed: the guest then sees no BASE (a v0.1-only SBI to Linux)
  EXPECT_EQ(d.find(kBase), nullptr);
}

TEST(SbiDispatcher, FunctionNames) {
  hyp::SbiDispatcher d;
  EXPECT_EQ(d.find(kBase)->function_name(kBase, 3), "probe_extension");
  EXPECT_EQ(d.find(kBase)->function_name(kBase, 7), "fid7");
  EXPECT_EQ(d.find(kTime)->function_name(kTime, 0), "set_timer");
  EXPECT_EQ(d.find(kIpi)->function_name(kIpi, 0), "send_ipi");
  EXPECT_EQ(d.find(kRfence)->function_name(kRfence, 2), "remote_sfence_vma_asid");
  EXPECT_EQ(d.find(kRfence)->function_name(kRfence, 6), "remote_hfence_vvma");
  EXPECT_EQ(d.find(kHsm)->function_name(kHsm, 3), "hart_suspend");
  EXPECT_EQ(d.find(kSrst)->function_name(kSrst, 0), "system_reset");
  EXPECT_EQ(d.find(kDbcn)->function_name(kDbcn, 2), "console_write_byte");
  EXPECT_EQ(d.find(1)->function_name(1, 0), "console_putchar");
  EXPECT_EQ(d.find(8)->function_name(8, 5), "shutdown");  // legacy: the FID is ignored
}

TEST(SbiHartMask, ResolvesHartLists) {
  std::vector<unsigned> t;
  using V = std::vector<unsigned>;
  EXPECT_EQ(hyp::sbi_hart_mask_targets(0, ~0ull, 3, t), hyp::kSbiSuccess);  // base -1: all, mask ignored
  EXPECT_EQ(t, (V{0, 1, 2}));
  EXPECT_EQ(hyp::sbi_hart_mask_targets(0b101, 0, 3, t), hyp::kSbiSuccess);
  EXPECT_EQ(t, (V{0, 2}));
  EXPECT_EQ(hyp::sbi_hart_mask_targets(0b11, 1, 3, t), hyp::kSbiSuccess);
  EXPECT_EQ(t, (V{1, 2}));
  EXPECT_EQ(hyp::sbi_hart_mask_targets(0, 0, 3, t), hyp::kSbiSuccess);
  EXPECT_EQ(t, V{});
  // The base need not be a valid hart unless bit 0 is set.
  EXPECT_EQ(hyp::sbi_hart_mask_targets(0, 1000, 3, t), hyp::kSbiSuccess);
  EXPECT_EQ(hyp::sbi_hart_mask_targets(1, 3, 3, t), hyp::kSbiErrInvalidParam);
  EXPECT_EQ(hyp::sbi_hart_mask_targets(0b1000, 0, 3, t), hyp::kSbiErrInvalidParam);
  EXPECT_EQ(t, V{});
  EXPECT_EQ(hyp::sbi_hart_mask_targets(0b11, 2, 3, t), hyp::kSbiErrInvalidParam);  // hart 3 does not exist
  EXPECT_EQ(t, V{2});  // the valid one is still named
  EXPECT_EQ(hyp::sbi_hart_mask_targets(0b10, ~0ull - 1, 3, t), hyp::kSbiErrInvalidParam);  // wraps past 2^64
  EXPECT_EQ(t, V{});
  EXPECT_EQ(hyp::sbi_hart_mask_targets(1ull << 63, 0, 3, t), hyp::kSbiErrInvalidParam);
}

// ---------------------------------------------------------------- BASE

TEST(SbiBase, ReportsVersionsAndIds) {
  VmUnit& u = sbi_bench().main;
  expect_ok(call(u, 0, kBase, 0), 0x2000000);  // SBI 2.0
  expect_ok(call(u, 0, kBase, 1), 3);          // KVM
  expect_ok(call(u, 0, kBase, 2), 0x100);      // rvh-vp 0.1.0
  expect_ok(call(u, 0, kBase, 4), 0);          // mvendorid
  expect_ok(call(u, 0, kBase, 5), 0);          // marchid
  expect_ok(call(u, 0, kBase, 6), 0);          // mimpid
  expect_err(call(u, 0, kBase, 7), hyp::kSbiErrNotSupported);
  EXPECT_GE(sbi_count(u, 0, "base.get_spec_version"), 1u);
  EXPECT_GE(sbi_count(u, 0, "base.fid7"), 1u);
}

TEST(SbiBase, ProbesExtensions) {
  VmUnit& u = sbi_bench().main;
  const uint64_t before = sbi_count(u, 0, "base.probe_extension");
  for (uint64_t eid : {kBase, kTime, kIpi, kRfence, kHsm, kSrst, kDbcn}) expect_ok(call(u, 0, kBase, 3, {eid}), 1);
  for (uint64_t eid = 0; eid <= 8; ++eid) expect_ok(call(u, 0, kBase, 3, {eid}), 1);
  for (uint64_t eid : {0x09ull, 0x0full, 0x504d55ull, 0x53555350ull, 0x4e41434cull, 0x09000000ull})
    expect_ok(call(u, 0, kBase, 3, {eid}), 0);
  EXPECT_EQ(sbi_count(u, 0, "base.probe_extension"), before + 7 + 9 + 6);
}

TEST(SbiBase, DisabledExtensionsDoNotExist) {
  VmUnit& u = sbi_bench().srst_cold_disabled;  // dbcn and legacy off (VmConfig::disabled_sbi)
  EXPECT_FALSE(u.vm->sbi().enabled("dbcn"));
  EXPECT_FALSE(u.vm->sbi().enabled("legacy"));
  expect_ok(call(u, 0, kBase, 3, {kDbcn}), 0);
  expect_ok(call(u, 0, kBase, 3, {0x01}), 0);
  expect_ok(call(u, 0, kBase, 3, {kTime}), 1);
  const uint64_t unknown = sbi_count(u, 0, "unknown");
  u.out.clear();
  expect_err(call(u, 0, kDbcn, 2, {'x'}), hyp::kSbiErrNotSupported);
  expect_err(call(u, 0, 0x01, 0, {'x'}), hyp::kSbiErrNotSupported);  // not a legacy result: a0 and a1
  EXPECT_EQ(u.out, "");
  EXPECT_EQ(sbi_count(u, 0, "unknown"), unknown + 2);
  EXPECT_EQ(sbi_count(u, 0, "dbcn.console_write_byte"), 0u);
}

TEST(SbiDispatch, UnknownExtensionsAndFunctions) {
  VmUnit& u = sbi_bench().main;
  const uint64_t unknown = sbi_count(u, 0, "unknown");
  for (uint64_t eid : {0x09ull, 0x0full, 0x504d55ull, 0x12345678ull, ~0ull})
    expect_err(call(u, 0, eid, 0), hyp::kSbiErrNotSupported);
  EXPECT_EQ(sbi_count(u, 0, "unknown"), unknown + 5);
  expect_err(call(u, 0, kTime, 1, {~0ull}), hyp::kSbiErrNotSupported);
  expect_err(call(u, 0, kIpi, 1), hyp::kSbiErrNotSupported);
  expect_err(call(u, 0, kRfence, 7), hyp::kSbiErrNotSupported);
  expect_err(call(u, 0, kHsm, 4), hyp::kSbiErrNotSupported);
  expect_err(call(u, 0, kSrst, 1), hyp::kSbiErrNotSupported);
  expect_err(call(u, 0, kDbcn, 3), hyp::kSbiErrNotSupported);
  EXPECT_GE(sbi_count(u, 0, "time.fid1"), 1u);
  EXPECT_GE(sbi_count(u, 0, "hsm.fid4"), 1u);
}

TEST(SbiDispatch, UndefinedFunctionsCannotGrowTheStatistics) {
  // A guest calling every FID gets one statistics key per FID only below 64.
  VmUnit& u = sbi_bench().main;
  const auto& calls = u.vm->vcpu(0).stats().sbi_calls;
  const uint64_t other = sbi_count(u, 0, "time.fid_other");
  expect_err(call(u, 0, kTime, 63), hyp::kSbiErrNotSupported);
  EXPECT_GE(sbi_count(u, 0, "time.fid63"), 1u);
  const size_t keys = calls.size();
  for (uint64_t fid : {64ull, 65ull, 1000ull, 1ull << 32, 1ull << 63, ~0ull})
    expect_err(call(u, 0, kTime, fid), hyp::kSbiErrNotSupported);
  for (uint64_t fid = 100; fid < 1100; ++fid) expect_err(call(u, 0, kHsm, fid), hyp::kSbiErrNotSupported);
  EXPECT_EQ(sbi_count(u, 0, "time.fid_other"), other + 6);
  EXPECT_LE(calls.size(), keys + 2);  // time.fid_other, hsm.fid_other
}

// ---------------------------------------------------------------- TIME

TEST(SbiTime, SetTimerProgramsTheVcpuTimer) {
  VmUnit& u = fresh_main();
  hyp::Vcpu& v = load(u, 0);
  uint64_t& ip = hvip(u, 0);
  ip |= csr::kMipVSTIP;
  expect_ok(call(u, 0, kTime, 0, {~0ull}));  // "never": clears the pending timer
  EXPECT_FALSE(ip & csr::kMipVSTIP);
  expect_ok(call(u, 0, kTime, 0, {0}));  // in the past: pending at once
  EXPECT_TRUE(ip & csr::kMipVSTIP);
  const uint64_t now = v.guest_time();
  expect_ok(call(u, 0, kTime, 0, {now + 1000}));  // 100 us at 10 MHz
  EXPECT_FALSE(ip & csr::kMipVSTIP);
  sc_core::sc_start(50, sc_core::SC_US);
  EXPECT_FALSE(ip & csr::kMipVSTIP);
  sc_core::sc_start(100, sc_core::SC_US);
  EXPECT_TRUE(ip & csr::kMipVSTIP);
  expect_ok(call(u, 0, kTime, 0, {~0ull}));
  EXPECT_FALSE(ip & csr::kMipVSTIP);
  EXPECT_GE(sbi_count(u, 0, "time.set_timer"), 4u);
}

// ---------------------------------------------------------------- IPI

TEST(SbiIpi, SendsToTheHartList) {
  VmUnit& u = fresh_main();
  clear_vssip(u);
  expect_ok(call(u, 0, kIpi, 0, {0, ~0ull}));  // base -1: everyone
  EXPECT_TRUE(vssip(u, 0) && vssip(u, 1) && vssip(u, 2));
  clear_vssip(u);
  expect_ok(call(u, 0, kIpi, 0, {0b010, 0}));
  EXPECT_FALSE(vssip(u, 0));
  EXPECT_TRUE(vssip(u, 1));
  EXPECT_FALSE(vssip(u, 2));
  clear_vssip(u);
  expect_ok(call(u, 1, kIpi, 0, {0b1, 2}));
  EXPECT_FALSE(vssip(u, 0) || vssip(u, 1));
  EXPECT_TRUE(vssip(u, 2));
  clear_vssip(u);
  expect_err(call(u, 0, kIpi, 0, {0b1000, 0}), hyp::kSbiErrInvalidParam);
  EXPECT_FALSE(vssip(u, 0) || vssip(u, 1) || vssip(u, 2));
  expect_err(call(u, 0, kIpi, 0, {0b11, 2}), hyp::kSbiErrInvalidParam);  // hart 3 does not exist
  EXPECT_TRUE(vssip(u, 2));  // like KVM, the existing target still gets it
  clear_vssip(u);
  expect_ok(call(u, 0, kIpi, 0, {0, 0}));  // empty list
  EXPECT_FALSE(vssip(u, 0) || vssip(u, 1) || vssip(u, 2));
  EXPECT_GE(sbi_count(u, 0, "ipi.send_ipi"), 5u);
  EXPECT_GE(sbi_count(u, 1, "ipi.send_ipi"), 1u);
}

// ---------------------------------------------------------------- RFENCE

TEST(SbiRfence, FencesAndRejectsHfences) {
  VmUnit& u = fresh_main();
  expect_ok(call(u, 0, kRfence, 0, {0, ~0ull}));
  expect_ok(call(u, 0, kRfence, 1, {0b111, 0, 0, 0}));
  expect_ok(call(u, 0, kRfence, 1, {0b1, 1, 0x1000, 0x2000}));
  expect_ok(call(u, 0, kRfence, 1, {0, ~0ull, 0, ~0ull}));
  expect_ok(call(u, 0, kRfence, 2, {0b11, 0, 0, 0, 5}));
  expect_ok(call(u, 0, kRfence, 2, {0b11, 0, 0, 0, 0xffff}));
  expect_err(call(u, 0, kRfence, 2, {0b11, 0, 0, 0, 0x10000}), hyp::kSbiErrInvalidParam);  // ASID > 16 bits
  expect_err(call(u, 0, kRfence, 0, {0b1000, 0}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kRfence, 1, {0b1, 3, 0, 0}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kRfence, 2, {0b1, 7, 0, 0, 1}), hyp::kSbiErrInvalidParam);
  for (uint64_t fid = 3; fid <= 6; ++fid) expect_err(call(u, 0, kRfence, fid, {0, ~0ull, 0, 0, 0}), hyp::kSbiErrNotSupported);
  EXPECT_GE(sbi_count(u, 0, "rfence.remote_fence_i"), 2u);
  EXPECT_GE(sbi_count(u, 0, "rfence.remote_hfence_gvma_vmid"), 1u);
}

TEST(SbiRfence, SfenceDropsStaleGuestTranslations) {
  // The guest maps a page, reads through it (filling the TLB), remaps it in
  // memory without a fence; after remote_sfence_vma the new mapping is seen.
  VmUnit& u = fresh_main();
  hyp::Vcpu& v = load(u, 2);
  // Sv39 VS-stage tables in guest RAM: root at +0x10000, one 1 GiB leaf for
  // VA 0x40000000 pointing at guest RAM (0x80000000) and later at 0xc0000000
  // (nothing there).
  const uint64_t root = kGuestRam + 0x10000;
  auto w64 = [&](uint64_t gpa, uint64_t val) { u.vm->write_guest_physical(gpa, &val, 8); };
  const uint64_t leaf_rwx_ad = 0x1 | 0x2 | 0x4 | 0x8 | 0x40 | 0x80;
  for (uint64_t i = 0; i < 512; ++i) w64(root + 8 * i, 0);
  w64(root + 8 * 1, ((kGuestRam >> 12) << 10) | leaf_rwx_ad);
  const uint64_t marker = 0x5eed5eed12345678ull;
  w64(kGuestBuf + 0x100, marker);
  auto& c = v.hart().csr;
  const uint64_t saved_vsatp = c.vsatp;
  c.vsatp = (8ull << 60) | (root >> 12);
  v.flush_guest_tlb();
  uint64_t got = 0;
  ASSERT_TRUE(v.read_guest_virtual(0x40000000 + (kGuestBuf - kGuestRam) + 0x100, 8, got));
  EXPECT_EQ(got, marker);
  w64(root + 8 * 1, ((0xc0000000ull >> 12) << 10) | leaf_rwx_ad);  // no RAM behind it
  expect_ok(call(u, 0, kRfence, 1, {0b100, 0, 0, 0}));
  EXPECT_FALSE(v.read_guest_virtual(0x40000000 + (kGuestBuf - kGuestRam) + 0x100, 8, got));
  c.vsatp = saved_vsatp;
  v.flush_guest_tlb();
}

// ---------------------------------------------------------------- HSM

TEST(SbiHsm, StartStopStatusSuspend) {
  VmUnit& u = fresh_main();
  hyp::Vm& vm = *u.vm;
  for (unsigned i = 0; i < kMainVcpus; ++i) expect_ok(call(u, 0, kHsm, 2, {i}), 1);  // STOPPED
  expect_err(call(u, 0, kHsm, 2, {3}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kHsm, 2, {~0ull}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kHsm, 0, {3, kGuestSpin, 0}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kHsm, 0, {1, 0x1000, 0}), hyp::kSbiErrInvalidAddress);  // not guest RAM
  expect_err(call(u, 0, kHsm, 0, {1, kGuestRam + kMainRamSize, 0}), hyp::kSbiErrInvalidAddress);
  EXPECT_EQ(vm.vcpu(1).hsm_state(), HsmState::kStopped);

  expect_ok(call(u, 0, kHsm, 0, {1, kGuestSpin, 0xabcdef}));
  EXPECT_EQ(vm.vcpu(1).hsm_state(), HsmState::kStarted);
  Hart& h1 = vm.vcpu(1).hart();
  EXPECT_EQ(h1.pc, kGuestSpin);
  EXPECT_EQ(h1.x[10], 1u);         // a0 = hartid
  EXPECT_EQ(h1.x[11], 0xabcdefu);  // a1 = opaque
  EXPECT_EQ(h1.csr.vsatp, 0u);
  EXPECT_FALSE(h1.csr.vsstatus & csr::kMstatusSIE);
  expect_ok(call(u, 0, kHsm, 2, {1}), 0);  // STARTED
  expect_err(call(u, 0, kHsm, 0, {1, kGuestSpin, 0}), hyp::kSbiErrAlreadyAvailable);
  sc_core::sc_start(5, sc_core::SC_US);  // vCPU 1 spins on `j .` in VS-mode
  EXPECT_EQ(h1.pc, kGuestSpin);
  EXPECT_TRUE(h1.virt);

  // hart_stop: only the caller; a stopped caller cannot stop.
  expect_err(call(u, 0, kHsm, 1), hyp::kSbiErrFailed);
  const SbiResult stop = call(u, 1, kHsm, 1);
  EXPECT_EQ(stop.error, hyp::kSbiSuccess);
  EXPECT_EQ(stop.action, SbiAction::kStopVcpu);
  // What the scheduler does on kStopVcpu (ExitOutcome::kPark): the vCPU
  // parks and leaves its hart; vCPUs 0 and 2 are off theirs already.
  u.scheduler->reset();
  expect_ok(call(u, 0, kHsm, 2, {1}), 1);

  // hart_suspend (the caller): the default types suspend (the vCPU's exit
  // does it: SbiGuest.HsmSuspend), anything else is reserved/unimplemented.
  const SbiResult sleep = call(u, 0, kHsm, 3, {0, 0, 0});
  EXPECT_EQ(sleep.error, hyp::kSbiSuccess);
  EXPECT_EQ(sleep.action, SbiAction::kSuspend);
  EXPECT_EQ(call(u, 0, kHsm, 3, {1ull << 32, 0, 0}).action, SbiAction::kSuspend);  // 32-bit type
  const SbiResult nonret = call(u, 0, kHsm, 3, {0xffffffff80000000ull, kGuestSpin, 0x1234});
  EXPECT_EQ(nonret.error, hyp::kSbiSuccess);
  EXPECT_EQ(nonret.action, SbiAction::kSuspendNonRetentive);
  EXPECT_EQ(nonret.resume_addr, kGuestSpin);
  EXPECT_EQ(nonret.resume_opaque, 0x1234u);
  expect_err(call(u, 0, kHsm, 3, {0x80000000, 0x1000, 0}), hyp::kSbiErrInvalidAddress);  // not guest RAM
  expect_err(call(u, 0, kHsm, 3, {0x80000000, kGuestRam + kMainRamSize, 0}), hyp::kSbiErrInvalidAddress);
  EXPECT_EQ(vm.vcpu(0).hsm_state(), HsmState::kStopped);  // dispatch alone changes no state
  for (uint64_t type : {0x1ull, 0x0fffffffull, 0x10000000ull, 0x7fffffffull, 0x80000001ull, 0x90000000ull, 0xffffffffull})
    expect_err(call(u, 0, kHsm, 3, {type, kGuestSpin, 0}), hyp::kSbiErrInvalidParam);
  EXPECT_GE(sbi_count(u, 0, "hsm.hart_start"), 5u);
  EXPECT_EQ(sbi_count(u, 1, "hsm.hart_stop"), 1u);
}

// ---------------------------------------------------------------- SRST

TEST(SbiSrst, RejectsReservedTypesAndReasons) {
  VmUnit& u = sbi_bench().main;
  for (uint64_t type : {3ull, 0xefffffffull, 0xf0000000ull, 0xffffffffull})
    expect_err(call(u, 0, kSrst, 0, {type, 0}), hyp::kSbiErrInvalidParam);
  for (uint64_t reason : {2ull, 0xdfffffffull, 0xe0000000ull, 0xf0000000ull, 0xffffffffull})
    expect_err(call(u, 0, kSrst, 0, {0, reason}), hyp::kSbiErrInvalidParam);
  EXPECT_FALSE(u.vm->stop_info().stopped);
}

void expect_stopped(VmUnit& u, const SbiResult& r, const std::string& reason) {
  EXPECT_EQ(r.error, hyp::kSbiSuccess);
  EXPECT_EQ(r.action, SbiAction::kStopVm);
  EXPECT_TRUE(u.vm->stop_info().stopped);
  EXPECT_EQ(u.vm->stop_info().exit_code, reason.find("system failure") == std::string::npos ? 0 : 1);
  EXPECT_EQ(u.vm->stop_info().reason, reason);
}

TEST(SbiSrst, Shutdown) {
  VmUnit& u = sbi_bench().srst_shutdown;
  expect_stopped(u, call(u, 0, kSrst, 0, {0, 0}), "shutdown");
  EXPECT_EQ(sbi_count(u, 0, "srst.system_reset"), 1u);
}

TEST(SbiSrst, WarmRebootForSystemFailureEndsTheRun) {
  VmUnit& u = sbi_bench().srst_warm_fail;
  expect_stopped(u, call(u, 0, kSrst, 0, {(1ull << 32) | 2, 1}), "reboot: warm, system failure");
}

TEST(SbiSrst, ColdRebootEndsTheRun) {
  VmUnit& u = sbi_bench().srst_cold_disabled;
  expect_stopped(u, call(u, 0, kSrst, 0, {1, 0}), "reboot: cold");
}

// ---------------------------------------------------------------- DBCN

TEST(SbiDbcn, ConsoleWrite) {
  VmUnit& u = sbi_bench().main;
  const char text[] = "hello, console";
  u.vm->write_guest_physical(kGuestBuf, text, sizeof(text) - 1);
  u.out.clear();
  expect_ok(call(u, 0, kDbcn, 0, {sizeof(text) - 1, kGuestBuf, 0}), sizeof(text) - 1);
  EXPECT_EQ(u.out, text);
  expect_ok(call(u, 0, kDbcn, 0, {0, 0x1000, 0}), 0);  // nothing to write
  // Not all in guest RAM / above 64 bits / wrapping: nothing is written.
  u.out.clear();
  expect_err(call(u, 0, kDbcn, 0, {4, 0x1000, 0}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kDbcn, 0, {4, 0x10000000, 0}), hyp::kSbiErrInvalidParam);  // the UART
  expect_err(call(u, 0, kDbcn, 0, {4, kGuestBuf, 1}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kDbcn, 0, {16, kGuestRam + kMainRamSize - 8, 0}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kDbcn, 0, {~0ull, kGuestBuf, 0}), hyp::kSbiErrInvalidParam);
  EXPECT_EQ(u.out, "");
  // Larger than one copy chunk.
  std::string big(10000, 'z');
  big.back() = '!';
  u.vm->write_guest_physical(kGuestBuf, big.data(), big.size());
  expect_ok(call(u, 0, kDbcn, 0, {big.size(), kGuestBuf, 0}), big.size());
  EXPECT_EQ(u.out, big);
  EXPECT_GE(sbi_count(u, 0, "dbcn.console_write"), 8u);
}

TEST(SbiDbcn, ConsoleRead) {
  VmUnit& u = sbi_bench().main;
  drain_input(u);
  expect_ok(call(u, 0, kDbcn, 1, {8, kGuestBuf, 0}), 0);  // nothing waiting
  u.vm->uart().push_input("abc");
  // A bad buffer takes no input.
  expect_err(call(u, 0, kDbcn, 1, {8, 0x1000, 0}), hyp::kSbiErrInvalidParam);
  expect_err(call(u, 0, kDbcn, 1, {8, kGuestBuf, 1}), hyp::kSbiErrInvalidParam);
  char buf[8] = {};
  u.vm->write_guest_physical(kGuestBuf, buf, sizeof(buf));
  expect_ok(call(u, 0, kDbcn, 1, {2, kGuestBuf, 0}), 2);
  u.vm->read_guest_physical(kGuestBuf, buf, sizeof(buf));
  EXPECT_EQ(std::string(buf, 3), std::string("ab\0", 3));
  expect_ok(call(u, 0, kDbcn, 1, {8, kGuestBuf + 4, 0}), 1);
  u.vm->read_guest_physical(kGuestBuf, buf, sizeof(buf));
  EXPECT_EQ(buf[4], 'c');
  EXPECT_EQ(buf[5], 0);
  expect_ok(call(u, 0, kDbcn, 1, {8, kGuestBuf, 0}), 0);
  EXPECT_GE(sbi_count(u, 0, "dbcn.console_read"), 4u);
}

TEST(SbiDbcn, ConsoleWriteByte) {
  VmUnit& u = sbi_bench().main;
  u.out.clear();
  expect_ok(call(u, 0, kDbcn, 2, {0x141}), 0);  // only the low byte
  expect_ok(call(u, 0, kDbcn, 2, {'\n'}), 0);
  EXPECT_EQ(u.out, "A\n");
  EXPECT_EQ(sbi_count(u, 0, "dbcn.console_write_byte"), 2u);
}

// ---------------------------------------------------------------- legacy

TEST(SbiLegacy, TimerConsoleAndIpis) {
  VmUnit& u = fresh_main();
  load(u, 0);  // set_timer and the guest-virtual hart masks need the caller's hart
  load(u, 1);
  uint64_t& ip = hvip(u, 0);
  ip |= csr::kMipVSTIP;
  expect_legacy(call(u, 0, 0x00, 0, {~0ull}), 0);
  EXPECT_FALSE(ip & csr::kMipVSTIP);
  expect_legacy(call(u, 0, 0x00, 0, {0}), 0);
  EXPECT_TRUE(ip & csr::kMipVSTIP);
  expect_legacy(call(u, 0, 0x00, 0, {~0ull}), 0);

  u.out.clear();
  expect_legacy(call(u, 0, 0x01, 0, {0x178}), 0);
  EXPECT_EQ(u.out, "x");
  drain_input(u);
  expect_legacy(call(u, 0, 0x02, 0), -1);
  u.vm->uart().push_input("q");
  expect_legacy(call(u, 0, 0x02, 0), 'q');
  expect_legacy(call(u, 0, 0x02, 0), -1);

  clear_vssip(u);
  ip |= csr::kMipVSSIP;
  expect_legacy(call(u, 0, 0x03, 0), 1);  // one was pending
  EXPECT_FALSE(vssip(u, 0));
  expect_legacy(call(u, 0, 0x03, 0), 0);

  // Hart masks: pointers into guest virtual memory (vsatp = 0: VA = GPA).
  const uint64_t mask = 0b101;
  u.vm->write_guest_physical(kGuestMask, &mask, 8);
  expect_legacy(call(u, 1, 0x04, 0, {kGuestMask}), 0);
  EXPECT_TRUE(vssip(u, 0));
  EXPECT_FALSE(vssip(u, 1));
  EXPECT_TRUE(vssip(u, 2));
  clear_vssip(u);
  expect_legacy(call(u, 1, 0x04, 0, {0}), 0);  // NULL: every hart (as KVM)
  EXPECT_TRUE(vssip(u, 0) && vssip(u, 1) && vssip(u, 2));
  clear_vssip(u);
  const uint64_t extra = ~0ull;  // bits of harts that do not exist are ignored
  u.vm->write_guest_physical(kGuestMask + 8, &extra, 8);
  expect_legacy(call(u, 0, 0x04, 0, {kGuestMask + 8}), 0);
  EXPECT_TRUE(vssip(u, 0) && vssip(u, 1) && vssip(u, 2));
  clear_vssip(u);
  expect_legacy(call(u, 0, 0x04, 0, {0x1000}), hyp::kSbiErrInvalidAddress);  // unmapped
  expect_legacy(call(u, 0, 0x04, 0, {1ull << 50}), hyp::kSbiErrInvalidAddress);
  EXPECT_FALSE(vssip(u, 0) || vssip(u, 1) || vssip(u, 2));

  expect_legacy(call(u, 0, 0x05, 0, {kGuestMask}), 0);
  expect_legacy(call(u, 0, 0x06, 0, {kGuestMask, 0, 0}), 0);
  expect_legacy(call(u, 0, 0x07, 0, {kGuestMask, 0x1000, 0x1000, 3}), 0);
  expect_legacy(call(u, 0, 0x07, 0, {0x1000, 0, 0, 0}), hyp::kSbiErrInvalidAddress);
  expect_err(call(u, 0, 0x09, 0), hyp::kSbiErrNotSupported);  // reserved legacy EID
  EXPECT_FALSE(u.vm->stop_info().stopped);

  EXPECT_GE(sbi_count(u, 0, "legacy.set_timer"), 3u);
  EXPECT_GE(sbi_count(u, 0, "legacy.console_putchar"), 1u);
  EXPECT_GE(sbi_count(u, 0, "legacy.console_getchar"), 3u);
  EXPECT_GE(sbi_count(u, 0, "legacy.clear_ipi"), 2u);
  EXPECT_GE(sbi_count(u, 1, "legacy.send_ipi"), 2u);
  EXPECT_GE(sbi_count(u, 0, "legacy.remote_sfence_vma_asid"), 2u);
}

TEST(SbiLegacy, Shutdown) {
  VmUnit& u = sbi_bench().legacy_shutdown;
  const SbiResult r = call(u, 0, 0x08, 0);
  expect_legacy(r, 0, SbiAction::kStopVm);
  EXPECT_TRUE(u.vm->stop_info().stopped);
  EXPECT_EQ(u.vm->stop_info().exit_code, 0);
  EXPECT_EQ(u.vm->stop_info().reason, "shutdown");
  EXPECT_EQ(sbi_count(u, 0, "legacy.shutdown"), 1u);
}

// ---------------------------------------------------------------- guest ECALLs

TEST(SbiGuest, EcallsFromVsMode) {
  // A guest in VS-mode: BASE get_spec_version, DBCN console_write, legacy
  // putchar, then SRST shutdown; the results land in s2..s5.
  VmUnit& u = sbi_bench().e2e;
  const char text[] = "guest says hi\n";
  const uint64_t text_gpa = kGuestRam + 0x700;
  u.vm->write_guest_physical(text_gpa, text, sizeof(text) - 1);
  std::vector<uint32_t> p;
  const uint32_t s2 = 18, s3 = 19, s4 = 20, s5 = 21;
  enc::li(p, a7, kBase);
  enc::li(p, a6, 0);
  p.push_back(enc::ecall());
  p.push_back(enc::addi(s2, a0, 0));
  p.push_back(enc::addi(s3, a1, 0));
  enc::li(p, a7, static_cast<int64_t>(kDbcn));
  enc::li(p, a6, 0);
  enc::li(p, a0, sizeof(text) - 1);
  // a1 = text_gpa = (1 << 31) + 0x700 (lui would sign-extend 0x80000000).
  enc::li(p, a1, 1);
  p.push_back(enc::slli(a1, a1, 31));
  p.push_back(enc::addi(a1, a1, 0x700));
  enc::li(p, a2, 0);
  p.push_back(enc::ecall());
  p.push_back(enc::addi(s4, a0, 0));
  p.push_back(enc::addi(s5, a1, 0));
  enc::li(p, a7, 0x01);
  enc::li(p, a0, '!');
  p.push_back(enc::ecall());
  enc::li(p, a7, static_cast<int64_t>(kSrst));
  enc::li(p, a6, 0);
  enc::li(p, a0, 0);
  enc::li(p, a1, 0);
  p.push_back(enc::ecall());
  p.push_back(enc::j_self());
  const uint64_t entry = kGuestRam + 0x100;
  u.vm->write_guest_physical(entry, p.data(), 4 * p.size());
  u.out.clear();
  u.vm->boot(entry, 0);
  for (unsigned k = 0; k < 200 && !u.vm->stop_info().stopped; ++k) sc_core::sc_start(1, sc_core::SC_US);
  ASSERT_TRUE(u.vm->stop_info().stopped);
  EXPECT_EQ(u.vm->stop_info().reason, "shutdown");
  const uint64_t* x = u.vm->vcpu(0).gprs();  // saved: the stopped VM's vCPU left its hart
  EXPECT_EQ(x[s2], 0u);
  EXPECT_EQ(x[s3], 0x2000000u);
  EXPECT_EQ(x[s4], 0u);
  EXPECT_EQ(x[s5], sizeof(text) - 1);
  EXPECT_EQ(u.out, std::string(text) + "!");
  EXPECT_EQ(sbi_count(u, 0, "base.get_spec_version"), 1u);
  EXPECT_EQ(sbi_count(u, 0, "dbcn.console_write"), 1u);
  EXPECT_EQ(sbi_count(u, 0, "legacy.console_putchar"), 1u);
  EXPECT_EQ(sbi_count(u, 0, "srst.system_reset"), 1u);
}

// SBI HSM hart_suspend from VS-mode, watched by the other vCPU through
// hart_get_status: vCPU 0 suspends (retentive, junk in a0[63:32]), waits on
// a flag, then suspends non-retentively with resume_addr = kResume.
TEST(SbiGuest, HsmSuspend) {
  VmUnit& u = sbi_bench().hsm;
  hyp::Vm& vm = *u.vm;
  Hart& h = *u.harts[0];  // vCPU 0's home hart, where boot() puts it
  const uint32_t s2 = 18, s3 = 19, s4 = 20;
  const uint64_t flag = kGuestRam + 0x600, resume = kGuestRam + 0x400;
  std::vector<uint32_t> p;
  enc::li(p, a7, static_cast<int64_t>(kHsm));
  enc::li(p, a6, 3);
  enc::li(p, a0, 0xabc);
  p.push_back(enc::slli(a0, a0, 32));  // type 0 in the low 32 bits
  p.push_back(enc::ecall());
  p.push_back(enc::addi(s2, a0, 0));
  enc::li(p, s4, 1);
  p.push_back(enc::slli(s4, s4, 31));
  p.push_back(enc::addi(s4, s4, 0x600));  // flag
  p.push_back(enc::ld(t0, s4, 0));
  p.push_back(enc::beq(t0, 0, -4));
  p.push_back(enc::csrrsi(0, 0x100, 2));  // sstatus.SIE = 1: the resume must clear it
  enc::li(p, a0, 1);
  p.push_back(enc::slli(a0, a0, 31));  // 0x80000000: default non-retentive
  enc::li(p, a1, 1);
  p.push_back(enc::slli(a1, a1, 31));
  p.push_back(enc::addi(a1, a1, 0x400));  // resume
  enc::li(p, a2, 0x77);
  p.push_back(enc::ecall());
  p.push_back(enc::addi(s3, 0, 1));  // only a failed call returns here
  p.push_back(enc::j_self());
  const uint64_t entry = kGuestRam + 0x100;
  ASSERT_LE(entry + 4 * p.size(), resume);
  vm.write_guest_physical(entry, p.data(), 4 * p.size());
  const uint32_t spin = enc::j_self();
  vm.write_guest_physical(resume, &spin, 4);
  const uint64_t zero = 0;
  vm.write_guest_physical(flag, &zero, 8);
  auto status = [&] {
    const SbiResult r = call(u, 1, kHsm, 2, {0});
    EXPECT_EQ(r.error, hyp::kSbiSuccess);
    return r.value;
  };
  auto run_until = [&](auto done) {
    for (unsigned k = 0; k < 200 && !done(); ++k) sc_core::sc_start(1, sc_core::SC_US);
    return done();
  };

  // Asleep in its n-th hart_suspend (the parked hart sleeps before boot).
  auto suspended = [&](uint64_t n) { return sbi_count(u, 0, "hsm.hart_suspend") == n && h.asleep(); };
  vm.boot(entry, 0);
  ASSERT_TRUE(vm.vcpu(0).loaded());
  ASSERT_EQ(&vm.vcpu(0).hart(), &h);
  h.csr.mie |= csr::kMipVSSIP;  // vsie.SSIE: an IPI wakes the vCPU (vsstatus.SIE stays 0)
  ASSERT_TRUE(run_until([&] { return suspended(1); }));
  EXPECT_EQ(status(), 4u);  // SUSPENDED
  sc_core::sc_start(20, sc_core::SC_US);
  EXPECT_TRUE(h.asleep());
  EXPECT_EQ(status(), 4u);
  vm.vcpu(0).set_software_interrupt(true);
  ASSERT_TRUE(run_until([&] { return !h.asleep(); }));
  sc_core::sc_start(5, sc_core::SC_US);
  EXPECT_EQ(status(), 0u);  // STARTED, spinning on the flag
  EXPECT_EQ(h.x[s2], 0u);   // hart_suspend returned SBI_SUCCESS
  EXPECT_TRUE(h.virt);

  vm.vcpu(0).set_software_interrupt(false);
  const uint64_t one = 1;
  vm.write_guest_physical(flag, &one, 8);
  ASSERT_TRUE(run_until([&] { return suspended(2); }));
  EXPECT_EQ(status(), 4u);
  vm.vcpu(0).set_software_interrupt(true);
  ASSERT_TRUE(run_until([&] { return !h.asleep(); }));
  sc_core::sc_start(5, sc_core::SC_US);
  EXPECT_EQ(status(), 0u);
  EXPECT_EQ(h.pc, resume);  // resumed at resume_addr, in VS-mode
  EXPECT_TRUE(h.virt);
  EXPECT_EQ(h.priv, kPrivS);
  EXPECT_EQ(h.x[a0], 0u);     // hart id
  EXPECT_EQ(h.x[a1], 0x77u);  // opaque
  EXPECT_EQ(h.x[s3], 0u);
  EXPECT_EQ(h.csr.vsatp, 0u);
  EXPECT_FALSE(h.csr.vsstatus & csr::kMstatusSIE);
  EXPECT_EQ(sbi_count(u, 0, "hsm.hart_suspend"), 2u);
  EXPECT_FALSE(vm.stop_info().stopped) << vm.stop_info().reason;
}

}  // namespace
}  // namespace rvh::test
