// hyp/sbi_bench.cpp: the simulator-only "benchmark region" SBI extension
// (docs/benchmarks.md). EID 0x08525648 lies in the range the SBI spec keeps
// for experimental extensions (0x08000000-0x08FFFFFF, binary-encoding.adoc);
// the low bytes spell "RVH". A guest marks the operation it measures, and the
// hypervisor records what the simulator accounted for it: exits, exits per
// cause, cycles charged per cost class, hart cycles, guest instructions and
// simulated time. The records go into the --stats JSON under
// hypervisor.regions (docs/summary.md).
//
//   FID 0 begin(name)          open a segment of region `name` (a0: guest
//                              virtual address of a NUL-terminated name,
//                              [A-Za-z0-9_.-], at most 63 characters)
//   FID 1 end(iterations)      close it; segments of one name add up
//   FID 2 mark(deadline)       one latency sample of the open region: the
//                              simulated time from the instant guest `time`
//                              reached `deadline` to this call
//   FID 3 sleep_until(time)    the vCPU sleeps until guest `time` reaches
//                              `time` exactly (a tick edge), and its quantum
//                              restarts there (DENIED, without sleeping, if
//                              a virtual interrupt is pending and enabled)
//
// Errors: begin while a segment is open ALREADY_STARTED, end or mark with
// none open ALREADY_STOPPED, a bad name INVALID_PARAM (INVALID_ADDRESS if it
// cannot be read), mark before the deadline or sleep_until a time not in the
// future INVALID_PARAM.
//
// These calls are instrumentation, not exits of the model: the ECALL is
// served before the exit accounting starts (bench_marker_ecall, called from
// Vcpu::handle_exit), so it is not counted and nothing is charged. Only the
// hart's own trap entry (hart.cpi.trap_entry) happens; the region subtracts
// it for every call inside a segment, including the closing end(), so a
// region's figures are exactly those of the operation between the calls.
#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn for the sleep_until wake-up
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <systemc>

#include "hyp/exit_handlers.h"
#include "hyp/sbi.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

enum : uint64_t { kBegin = 0, kEnd = 1, kMark = 2, kSleepUntil = 3 };
constexpr unsigned kA0 = 10, kA1 = 11, kA6 = 16, kA7 = 17;
constexpr unsigned kMaxName = 63;

// Counters at one instant. `vm` is the VM-wide sum (Vm::stats_json()["vm"]);
// cycles, instructions and time are the calling vCPU's hart.
struct Snapshot {
  nlohmann::json vm;
  uint64_t cycles = 0, instructions = 0, marker_cycles = 0;
  sc_core::sc_time time;
};

struct LatencySamples {
  uint64_t samples = 0, total_ps = 0, min_ps = 0, max_ps = 0;
};

struct VcpuState {
  bool open = false;
  std::string name;
  Snapshot start;
  LatencySamples latency;
  uint64_t marker_cycles = 0;  // trap-entry cycles of every marker call so far
  std::unique_ptr<sc_core::sc_event> wake;  // sleep_until; its method is spawned on first use
};

uint64_t period_ps(const Hart& h) { return std::max<uint64_t>(1, 1'000'000'000'000ull / h.config().clock_hz); }

uint64_t to_ps(const sc_core::sc_time& t) {
  return static_cast<uint64_t>(t.value() / sc_core::sc_time(1, sc_core::SC_PS).value());
}

// The simulated instant at which guest time (mtime + htimedelta) reaches `t`.
sc_core::sc_time guest_time_instant(Vcpu& v, uint64_t t) {
  const uint64_t mtime = t - v.hart().csr.htimedelta;
  const uint64_t tb = v.vm().timebase_hz;
  const unsigned __int128 ps = (static_cast<unsigned __int128>(mtime) * 1'000'000'000'000ull + tb - 1) / tb;
  return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS);
}

// after - before for every unsigned number (objects recursively); zeros are left out.
nlohmann::json delta(const nlohmann::json& after, const nlohmann::json& before) {
  nlohmann::json d = nlohmann::json::object();
  for (auto it = after.begin(); it != after.end(); ++it) {
    const nlohmann::json* b = before.contains(it.key()) ? &before[it.key()] : nullptr;
    if (it.value().is_number_unsigned()) {
      const uint64_t was = b && b->is_number_unsigned() ? b->get<uint64_t>() : 0;
      const uint64_t now = it.value().get<uint64_t>();
      if (now != was) d[it.key()] = now - was;
    } else if (it.value().is_object() && it.key() != "exit_cost_histograms") {
      nlohmann::json sub = delta(it.value(), b && b->is_object() ? *b : nlohmann::json::object());
      if (!sub.empty()) d[it.key()] = std::move(sub);
    }
  }
  return d;
}

// Adds every unsigned number of `part` into `total` (objects recursively).
void add_into(nlohmann::json& total, const nlohmann::json& part) {
  for (auto it = part.begin(); it != part.end(); ++it) {
    if (it.value().is_number_unsigned())
      total[it.key()] = total.value(it.key(), uint64_t{0}) + it.value().get<uint64_t>();
    else if (it.value().is_object()) {
      if (!total.contains(it.key())) total[it.key()] = nlohmann::json::object();
      add_into(total[it.key()], it.value());
    }
  }
}

class SbiBench : public SbiExtension {
 public:
  const char* name() const override { return "bench"; }
  bool serves(uint64_t eid) const override { return eid == kSbiExtBench; }

  SbiResult call(Vcpu& v, const SbiCall& call) override {
    VcpuState& s = state(v);
    s.marker_cycles += v.hart().config().cpi.trap_entry_cycles;
    SbiResult r;
    switch (call.fid) {
      case kBegin: r.error = begin(v, s, call.args[0]); break;
      case kEnd: r.error = end(v, s, call.args[0]); break;
      case kMark: r.error = mark(v, s, call.args[0]); break;
      case kSleepUntil:
        r.error = sleep_until(v, s, call.args[0]);
        if (r.error == kSbiSuccess) r.action = SbiAction::kSleep;
        break;
      default: r.error = kSbiErrNotSupported; break;
    }
    return r;
  }

  std::string function_name(uint64_t eid, uint64_t fid) const override {
    static const char* const kNames[] = {"begin", "end", "mark", "sleep_until"};
    if (fid < 4) return kNames[fid];
    return SbiExtension::function_name(eid, fid);
  }

 private:
  std::map<unsigned, VcpuState> states_;

  VcpuState& state(Vcpu& v) { return states_[v.id()]; }

  static Snapshot snapshot(Vcpu& v, const VcpuState& s) {
    Snapshot n;
    n.vm = v.vm().stats_json()["vm"];
    n.cycles = v.hart().cycles;
    n.instructions = v.hart().instret;
    n.marker_cycles = s.marker_cycles;
    n.time = v.hart().local_time();
    return n;
  }

  static int64_t read_name(Vcpu& v, uint64_t addr, std::string& out) {
    for (unsigned i = 0; i <= kMaxName; ++i) {
      uint64_t c = 0;
      if (!v.read_guest_virtual(addr + i, 1, c)) return kSbiErrInvalidAddress;
      if (c == 0) return out.empty() ? kSbiErrInvalidParam : kSbiSuccess;
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '.' || c == '-';
      if (!ok) return kSbiErrInvalidParam;
      out += static_cast<char>(c);
    }
    return kSbiErrInvalidParam;  // too long
  }

  int64_t begin(Vcpu& v, VcpuState& s, uint64_t name_addr) {
    if (s.open) return kSbiErrAlreadyStarted;
    std::string name;
    if (const int64_t e = read_name(v, name_addr, name); e != kSbiSuccess) return e;
    s.open = true;
    s.name = name;
    s.latency = LatencySamples{};
    s.start = snapshot(v, s);  // after this call's own trap entry: it is not in the region
    return kSbiSuccess;
  }

  int64_t end(Vcpu& v, VcpuState& s, uint64_t iterations) {
    if (!s.open) return kSbiErrAlreadyStopped;
    s.open = false;
    const Snapshot now = snapshot(v, s);
    const Snapshot& was = s.start;
    // Marker calls inside the segment (mark, and this end) cost their trap entry.
    const uint64_t marker = now.marker_cycles - was.marker_cycles;
    const uint64_t ps = to_ps(now.time - was.time) - marker * period_ps(v.hart());
    nlohmann::json d = delta(now.vm, was.vm);
    nlohmann::json seg;
    seg["segments"] = 1u;
    seg["iterations"] = iterations;
    seg["cycles"] = now.cycles - was.cycles - marker;
    seg["ps"] = ps;
    seg["instructions"] = now.instructions - was.instructions;
    seg["exits"] = d.value("exits", uint64_t{0});
    seg["hyp_cycles"] = d.value("hypervisor_cycles", uint64_t{0});
    nlohmann::json by_cause = nlohmann::json::object();
    for (auto it = d.begin(); it != d.end(); ++it) {
      static const char* const kNotCauses[] = {"exits", "hypervisor_cycles", "cycles", "guest_cycles",
                                               "guest_instructions", "guest_instructions_vs",
                                               "guest_instructions_vu"};
      bool cause = it.value().is_number_unsigned();
      for (const char* k : kNotCauses) cause = cause && it.key() != k;
      if (cause) by_cause[it.key()] = it.value();
    }
    seg["by_cause"] = by_cause;
    for (const char* k : {"cost_cycles", "sbi_calls", "interrupts_injected"})
      seg[k] = d.contains(k) ? d[k] : nlohmann::json::object();
    record(v, s.name, seg, s.latency);
    return kSbiSuccess;
  }

  int64_t mark(Vcpu& v, VcpuState& s, uint64_t deadline) {
    if (!s.open) return kSbiErrAlreadyStopped;
    // The instant the guest issued the ECALL: before this call's trap entry.
    const sc_core::sc_time entry(static_cast<double>(v.hart().config().cpi.trap_entry_cycles * period_ps(v.hart())),
                                 sc_core::SC_PS);
    const sc_core::sc_time issued = v.hart().local_time() - entry;
    const sc_core::sc_time due = guest_time_instant(v, deadline);
    if (issued < due) return kSbiErrInvalidParam;
    const uint64_t ps = to_ps(issued - due);
    LatencySamples& l = s.latency;
    l.min_ps = l.samples ? std::min(l.min_ps, ps) : ps;
    l.max_ps = l.samples ? std::max(l.max_ps, ps) : ps;
    ++l.samples;
    l.total_ps += ps;
    return kSbiSuccess;
  }

  int64_t sleep_until(Vcpu& v, VcpuState& s, uint64_t time) {
    if (time <= v.guest_time()) return kSbiErrInvalidParam;
    const Hart& h = v.hart();
    if ((h.effective_mip() & h.csr.mie & csr::kVsInterrupts) != 0) return kSbiErrDenied;  // would not sleep
    if (!s.wake) {
      s.wake = std::make_unique<sc_core::sc_event>();
      sc_core::sc_spawn_options opt;
      opt.spawn_method();
      opt.set_sensitivity(s.wake.get());
      opt.dont_initialize();
      Vcpu* vcpu = &v;
      sc_core::sc_spawn([vcpu] {
        Hart* hart = &vcpu->hart();
        vcpu->set_host_wakeup_armed(false);
        // Only the sleep this call started (not a stopped vCPU, not a later WFI after an early wake).
        if (hart->asleep() && !hart->parked()) hart->unpark();
      }, sc_core::sc_gen_unique_name("bench_wake"), &opt);
    }
    // The hart syncs with SystemC before it sleeps; the event is in SystemC time.
    s.wake->cancel();
    s.wake->notify(guest_time_instant(v, time) - sc_core::sc_time_stamp());
    v.set_host_wakeup_armed(true);
    return kSbiSuccess;
  }

  static void record(Vcpu& v, const std::string& name, const nlohmann::json& seg, const LatencySamples& lat) {
    nlohmann::json& regions = v.vm().bench_regions;
    nlohmann::json* rec = nullptr;
    for (auto& r : regions)
      if (r["name"] == name && r["vcpu"] == v.id()) rec = &r;
    if (!rec) {
      nlohmann::json fresh = {{"name", name}, {"vcpu", v.id()}};
      regions.push_back(fresh);
      rec = &regions.back();
    }
    add_into(*rec, seg);
    (*rec)["ns"] = static_cast<double>((*rec)["ps"].get<uint64_t>()) / 1000.0;
    if (lat.samples) {
      nlohmann::json& l = (*rec)["latency"];
      const bool first = !l.contains("samples");
      const uint64_t n = (first ? 0 : l["samples"].get<uint64_t>()) + lat.samples;
      const uint64_t total = (first ? 0 : l["total_ps"].get<uint64_t>()) + lat.total_ps;
      const uint64_t lo = first ? lat.min_ps : std::min(l["min_ps"].get<uint64_t>(), lat.min_ps);
      const uint64_t hi = first ? lat.max_ps : std::max(l["max_ps"].get<uint64_t>(), lat.max_ps);
      l = {{"samples", n}, {"total_ps", total}, {"min_ps", lo}, {"max_ps", hi},
           {"mean_ns", static_cast<double>(total) / static_cast<double>(n) / 1000.0}};
    }
  }
};

}  // namespace

bool bench_marker_ecall(Vcpu& v) {
  Hart& h = v.hart();
  if (h.csr.scause != csr::kCauseEcallVS || v.reg(kA7) != kSbiExtBench) return false;
  SbiExtension* ext = v.vm().sbi().find(kSbiExtBench);
  if (!ext) return false;  // switched off: an ordinary (counted) unknown-extension call
  SbiCall call;
  call.eid = kSbiExtBench;
  call.fid = v.reg(kA6);
  for (unsigned i = 0; i < 6; ++i) call.args[i] = v.reg(kA0 + i);
  const SbiResult r = ext->call(v, call);
  v.set_reg(kA0, static_cast<uint64_t>(r.error));
  v.set_reg(kA1, r.value);
  h.csr.sepc += 4;
  h.enter_guest();
  if (r.action == SbiAction::kSleep) h.sleep_until_interrupt();
  return true;
}

std::unique_ptr<SbiExtension> make_sbi_bench() { return std::make_unique<SbiBench>(); }

}  // namespace rvh::hyp
