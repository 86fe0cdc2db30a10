// platform/timeline.cpp: see timeline.h. The Trace Event Format: complete
// events ("ph":"X") with "ts" and "dur" in microseconds, metadata events
// ("ph":"M") naming processes and threads, in a JSON object with
// "traceEvents", "displayTimeUnit" and "otherData".
#include "platform/timeline.h"

#include "platform/hex_string.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "hyp/scheduler.h"
#include "hyp/vcpu.h"
#include "hyp/vm.h"
#include "platform/provenance.h"

namespace rvh {
namespace {

constexpr int kHartsPid = 1, kVmPid = 2;  // VM i is process kVmPid + i

uint64_t to_ps(const sc_core::sc_time& t) { return static_cast<uint64_t>(t.to_seconds() * 1e12 + 0.5); }

// Picoseconds as microseconds with all six decimals (exact).
std::string us(uint64_t ps) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(ps / 1000000),
                static_cast<unsigned long long>(ps % 1000000));
  return buf;
}

// A JSON string "0x...".
std::string hex(uint64_t v) { return "\"" + hex_string(v) + "\""; }

std::string json_string(const std::string& s) { return nlohmann::json(s).dump(); }

bool is_guest_page_fault(uint64_t scause) { return scause == 20 || scause == 21 || scause == 23; }

}  // namespace

Timeline::Timeline(OutputFile out, uint64_t max_events, const std::vector<Hart*>& harts,
                   const std::vector<hyp::Vm*>& vms, hyp::Scheduler* scheduler)
    : out_(std::move(out)), max_events_(max_events) {
  file_ = out_.begin();
  hyp_ = !vms.empty() && scheduler != nullptr;
  std::fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", file_);
  for (Hart* h : harts) {
    HartTrack t;
    t.track.pid = kHartsPid;
    t.track.tid = h->config().hart_id;
    t.hart = h;
    t.label = mode_label(*h);
    t.asleep = h->asleep();
    harts_.push_back(t);
    h->observers.push_back(this);
  }
  if (hyp_) {
    // One VM keeps the names of a single-VM run: "vm (hosted hypervisor)", "vcpu0".
    const bool several = vms.size() > 1;
    for (size_t n = 0; n < vms.size(); ++n) {
      hyp::Vm& vm = *vms[n];
      const std::string vm_name = !several ? "" : !vm.name.empty() ? vm.name : "vm" + std::to_string(n);
      vm_process_names_.push_back((several ? vm_name + " " : std::string("vm ")) + "(hosted hypervisor)");
      for (unsigned i = 0; i < vm.num_vcpus(); ++i) {
        hyp::Vcpu& vcpu = vm.vcpu(i);
        VcpuTrack t;
        t.track.pid = kVmPid + static_cast<int>(n);
        t.track.tid = i;
        t.vcpu = &vcpu;
        t.name = (several ? vm_name + " " : std::string()) + "vcpu" + std::to_string(i);
        t.state = state_of(vcpu);  // vCPUs other than 0 are stopped until SBI HSM starts them
        if (t.state == VcpuState::kRunning && vcpu.loaded()) {
          t.on_hart = &vcpu.hart();
          t.charged_at_run = switch_charges(vcpu);
        }
        track_of_[&vcpu] = vcpus_.size();
        vcpus_.push_back(t);
      }
    }
    for (size_t i = 0; i < vcpus_.size(); ++i) {
      taps_.push_back(std::make_unique<ExitTap>(*this, i));
      vcpus_[i].vcpu->set_exit_recorder(taps_.back().get());
    }
    scheduler_ = scheduler;
    previous_on_run_state_ = scheduler->on_run_state;
    scheduler->on_run_state = [this](hyp::Vcpu& v) {
      run_state_changed(v);
      if (previous_on_run_state_) previous_on_run_state_(v);
    };
  }
  write_metadata();
}

Timeline::~Timeline() {
  try {
    finish();
  } catch (const std::exception& e) {
    std::cerr << "rvh-vp: " << e.what() << "\n";
  }
}

void Timeline::write_metadata() {
  auto meta = [&](const char* what, int pid, int tid, const std::string& args) {
    std::string e = std::string("{\"name\":\"") + what + "\",\"ph\":\"M\",\"pid\":" + std::to_string(pid);
    if (tid >= 0) e += ",\"tid\":" + std::to_string(tid);
    e += ",\"args\":" + args + "}";
    write_raw(e);
  };
  meta("process_name", kHartsPid, -1, "{\"name\":\"harts\"}");
  meta("process_sort_index", kHartsPid, -1, "{\"sort_index\":1}");
  for (const HartTrack& h : harts_) {
    meta("thread_name", kHartsPid, static_cast<int>(h.track.tid),
         "{\"name\":\"hart" + std::to_string(h.track.tid) + "\"}");
    meta("thread_sort_index", kHartsPid, static_cast<int>(h.track.tid),
         "{\"sort_index\":" + std::to_string(h.track.tid) + "}");
  }
  if (!hyp_) return;
  for (size_t n = 0; n < vm_process_names_.size(); ++n) {
    const int pid = kVmPid + static_cast<int>(n);
    meta("process_name", pid, -1, "{\"name\":" + json_string(vm_process_names_[n]) + "}");
    meta("process_sort_index", pid, -1, "{\"sort_index\":" + std::to_string(pid) + "}");
    for (const VcpuTrack& v : vcpus_) {
      if (v.track.pid != pid) continue;
      meta("thread_name", pid, static_cast<int>(v.track.tid), "{\"name\":" + json_string(v.name) + "}");
      meta("thread_sort_index", pid, static_cast<int>(v.track.tid),
           "{\"sort_index\":" + std::to_string(v.track.tid) + "}");
    }
  }
}

void Timeline::write_raw(const std::string& event_json) {
  if (!file_) return;
  if (!first_event_) std::fputs(",\n", file_);
  first_event_ = false;
  std::fputs(event_json.c_str(), file_);
}

void Timeline::slice(Track& t, const std::string& name, const char* category, uint64_t start_ps, uint64_t end_ps,
                     const std::string& args, bool always) {
  start_ps = std::max(start_ps, t.last_end_ps);
  end_ps = std::max(end_ps, start_ps);
  if (end_ps == start_ps && !always) return;  // nothing to see
  t.last_end_ps = end_ps;
  if (written_ >= max_events_) {
    if (dropped_++ == 0) truncated_at_ps_ = start_ps;
    return;
  }
  ++written_;
  std::string e = "{\"name\":" + json_string(name) + ",\"cat\":\"" + category +
                  "\",\"ph\":\"X\",\"pid\":" + std::to_string(t.pid) + ",\"tid\":" + std::to_string(t.tid) +
                  ",\"ts\":" + us(start_ps) + ",\"dur\":" + us(end_ps - start_ps);
  if (!args.empty()) e += ",\"args\":" + args;
  e += "}";
  write_raw(e);
}

const char* Timeline::mode_label(const Hart& h) const {
  if (h.virt) return h.priv == kPrivS ? "VS" : "VU";
  switch (h.priv) {
    case kPrivM:
      return "M";
    case kPrivS:
      return hyp_ ? "HS (hypervisor)" : "S";
    default:
      return "U";
  }
}

Timeline::HartTrack& Timeline::hart_track(const Hart& h) {
  for (HartTrack& t : harts_)
    if (t.hart == &h) return t;
  throw std::logic_error("timeline: unknown hart");
}

void Timeline::close_hart_slice(HartTrack& h, uint64_t now_ps) {
  slice(h.track, h.label, "mode", h.since_ps, now_ps, "", false);
  h.since_ps = now_ps;
}

void Timeline::mode_changed(Hart& hart) {
  HartTrack& h = hart_track(hart);
  if (hart.asleep()) return;  // the sleep slice goes on; the new mode shows when it wakes
  const uint64_t now = to_ps(hart.observation_time());
  close_hart_slice(h, now);
  h.label = mode_label(hart);
}

uint64_t Timeline::now_ps() const {
  const sc_core::sc_process_handle p = sc_core::sc_get_current_process_handle();
  if (p.valid())
    for (const HartTrack& h : harts_)
      if (p.get_parent_object() == h.hart) return to_ps(h.hart->observation_time());
  return to_ps(sc_core::sc_time_stamp());
}

Timeline::VcpuState Timeline::state_of(const hyp::Vcpu& v) {
  switch (v.run_state()) {
    case hyp::RunState::kRunning:
      return VcpuState::kRunning;
    case hyp::RunState::kQueued:
      return VcpuState::kQueued;
    case hyp::RunState::kBlocked:
      return VcpuState::kBlocked;
    case hyp::RunState::kStopped:
      break;
  }
  return v.vm().stop_info().stopped ? VcpuState::kVmStopped : VcpuState::kStopped;
}

Timeline::SwitchCharges Timeline::switch_charges(const hyp::Vcpu& v) {
  const auto& c = v.stats().cost_cycles;
  auto at = [&c](const char* k) {
    auto it = c.find(k);
    return it == c.end() ? uint64_t{0} : it->second;
  };
  return {at("vcpu_switch"), at("vm_switch"), at("gstage_flush")};
}

// Called by the scheduler at every RunState change of a vCPU.
void Timeline::run_state_changed(hyp::Vcpu& vcpu) {
  if (finished_) return;
  auto it = track_of_.find(&vcpu);
  if (it == track_of_.end()) return;
  VcpuTrack& v = vcpus_[it->second];
  const VcpuState next = state_of(vcpu);
  uint64_t now = now_ps();
  if (next == VcpuState::kRunning && vcpu.loaded()) {
    // The vCPU that ran on this hart before left it now, whatever the
    // scheduler does with it next (a preempted one is queued only after
    // this one is on the hart and charged its switch).
    for (VcpuTrack& other : vcpus_) {
      if (&other == &v || other.state != VcpuState::kRunning || other.on_hart != &vcpu.hart() || other.left_hart)
        continue;
      other.left_hart = true;
      other.left_hart_ps = now;
    }
    v.on_hart = &vcpu.hart();
    v.charged_at_run = switch_charges(vcpu);  // the switch is charged after this call
    v.left_hart = false;
  }
  // Put on a parked or sleeping hart (by another process, or by the
  // scheduler as the hart wakes, before this observer hears of it): it
  // runs from the hart's wake-up (sleep_changed), as the hart track shows.
  v.running_at_wake = next == VcpuState::kRunning && vcpu.loaded() &&
                      (vcpu.hart().asleep() || hart_track(vcpu.hart()).asleep);
  if (v.running_at_wake) return;
  if (v.state == VcpuState::kRunning && v.left_hart && next != VcpuState::kRunning)
    now = std::max(v.left_hart_ps, v.since_ps);
  v.left_hart = false;
  close_vcpu_state(v, now);
  v.state = next;
}

void Timeline::switch_slice(VcpuTrack& v) {
  if (!v.vcpu || !v.on_hart) return;
  const SwitchCharges now = switch_charges(*v.vcpu), before = v.charged_at_run;
  v.charged_at_run = now;
  const uint64_t vcpu_switch = now.vcpu_switch - before.vcpu_switch, vm_switch = now.vm_switch - before.vm_switch,
                 gstage_flush = now.gstage_flush - before.gstage_flush;
  const uint64_t cycles = vcpu_switch + vm_switch + gstage_flush;
  if (cycles == 0) return;
  const uint64_t ps = static_cast<uint64_t>(static_cast<double>(cycles) * 1e12 /
                                                static_cast<double>(v.on_hart->config().clock_hz) +
                                            0.5);
  std::map<std::string, uint64_t> charges;
  if (vcpu_switch) charges["vcpu_switch"] = vcpu_switch;
  if (vm_switch) charges["vm_switch"] = vm_switch;
  if (gstage_flush) charges["gstage_flush"] = gstage_flush;
  const std::string args = "{\"cycles\":" + std::to_string(cycles) + ",\"hart\":" +
                           std::to_string(v.on_hart->config().hart_id) +
                           ",\"charges\":" + nlohmann::json(charges).dump() + "}";
  slice(v.track, vm_switch ? "vm switch" : "vcpu switch", "switch", v.since_ps, v.since_ps + ps, args, true);
  v.since_ps = v.track.last_end_ps;
}

void Timeline::close_vcpu_state(VcpuTrack& v, uint64_t now_ps) {
  switch (v.state) {
    case VcpuState::kRunning:
      switch_slice(v);
      slice(v.track, "guest", "guest", v.since_ps, now_ps, "", false);
      break;
    case VcpuState::kQueued:
      slice(v.track, "waiting for a hart", "waiting", v.since_ps, now_ps, "", false);
      break;
    case VcpuState::kBlocked:
      slice(v.track, "blocked (wfi)", "blocked", v.since_ps, now_ps, "", false);
      break;
    case VcpuState::kStopped:
      slice(v.track, "stopped (hsm)", "blocked", v.since_ps, now_ps, "", false);
      break;
    case VcpuState::kVmStopped:
      slice(v.track, "stopped (vm)", "blocked", v.since_ps, now_ps, "", false);
      break;
  }
  v.since_ps = now_ps;
}

void Timeline::sleep_changed(Hart& hart, bool asleep) {
  HartTrack& h = hart_track(hart);
  const uint64_t now = to_ps(hart.observation_time());
  close_hart_slice(h, now);
  h.label = asleep ? (hart.parked() ? "parked" : "wfi") : mode_label(hart);
  h.asleep = asleep;
  if (asleep) return;
  for (VcpuTrack& v : vcpus_) {
    if (!v.running_at_wake || !v.vcpu->loaded() || &v.vcpu->hart() != &hart) continue;
    v.running_at_wake = false;
    close_vcpu_state(v, now);
    v.state = VcpuState::kRunning;
  }
}

void Timeline::exit_taken(size_t track, const hyp::ExitEvent& e) {
  VcpuTrack& v = vcpus_.at(track);
  const uint64_t start = to_ps(e.start);
  const uint64_t end = start + to_ps(e.duration);
  close_vcpu_state(v, start);
  std::map<std::string, uint64_t> charges;
  for (const auto& [what, cycles] : e.charges) charges[what] += cycles;
  std::string args = "{\"cycles\":" + std::to_string(e.cycles) + ",\"hyp_cycles\":" + std::to_string(e.hyp_cycles) +
                     ",\"charges\":" + nlohmann::json(charges).dump();
  if (e.trap) {
    args += ",\"scause\":" + hex(e.scause) + ",\"stval\":" + hex(e.stval);
    if (is_guest_page_fault(e.scause)) args += ",\"gpa\":" + hex((e.htval << 2) | (e.stval & 3));
    if (e.htinst) args += ",\"htinst\":" + hex(e.htinst);
  }
  args += "}";
  slice(v.track, e.name, "exit", start, end, args, true);
  // The guest resumes, unless the scheduler now blocks, stops or
  // deschedules the vCPU (run_state_changed closes this guest interval).
  v.state = VcpuState::kRunning;
  v.left_hart = false;
  v.since_ps = std::max(end, v.track.last_end_ps);
}

void Timeline::finish() {
  if (finished_ || !file_) return;
  finished_ = true;
  // Every track ends where the latest one does (the hart that stopped the
  // run may be ahead of SystemC time).
  uint64_t end = to_ps(sc_core::sc_time_stamp());
  for (const HartTrack& h : harts_) end = std::max({end, h.since_ps, h.track.last_end_ps});
  for (const VcpuTrack& v : vcpus_) end = std::max({end, v.since_ps, v.track.last_end_ps});
  for (HartTrack& h : harts_) {
    close_hart_slice(h, end);
    h.hart->observers.erase(std::remove(h.hart->observers.begin(), h.hart->observers.end(), this),
                            h.hart->observers.end());
  }
  for (VcpuTrack& v : vcpus_) {
    close_vcpu_state(v, end);
    v.vcpu->set_exit_recorder(nullptr);
  }
  if (scheduler_) scheduler_->on_run_state = previous_on_run_state_;
  if (dropped_) {
    write_raw("{\"name\":\"timeline truncated: " + std::to_string(dropped_) +
              " later events dropped\",\"ph\":\"i\",\"s\":\"g\",\"pid\":" + std::to_string(kHartsPid) +
              ",\"tid\":0,\"ts\":" + us(truncated_at_ps_) + "}");
  }
  nlohmann::json other = {
      {"generator", version_text()}, {"time_source", "hart local time (SystemC time + quantum offset)"},
      {"max_events", max_events_},   {"events_written", written_},
      {"events_dropped", dropped_},  {"truncated", dropped_ != 0}};
  if (dropped_) other["truncated_at_us"] = static_cast<double>(truncated_at_ps_) / 1e6;
  std::fputs(("\n],\"otherData\":" + other.dump() + "}\n").c_str(), file_);
  file_ = nullptr;
  out_.finish();
  if (dropped_)
    std::cerr << "rvh-vp: timeline " << out_.path() << " truncated at " << max_events_ << " events (simulated time "
              << us(truncated_at_ps_) << " us); " << dropped_
              << " later events were dropped (raise --timeline-max-events)\n";
}

}  // namespace rvh
