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

#include "hyp/vm.h"
#include "platform/provenance.h"

namespace rvh {
namespace {

constexpr int kHartsPid = 1, kVmPid = 2;

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

std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

bool is_guest_page_fault(uint64_t scause) { return scause == 20 || scause == 21 || scause == 23; }

}  // namespace

Timeline::Timeline(OutputFile out, uint64_t max_events, const std::vector<Hart*>& harts, hyp::Vm* vm)
    : out_(std::move(out)), max_events_(max_events), vm_(vm) {
  file_ = out_.begin();
  hyp_ = vm != nullptr;
  std::fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", file_);
  for (Hart* h : harts) {
    HartTrack t;
    t.track.pid = kHartsPid;
    t.track.tid = h->config().hart_id;
    t.hart = h;
    t.label = mode_label(*h);
    harts_.push_back(t);
    h->observers.push_back(this);
  }
  if (vm) {
    for (unsigned i = 0; i < vm->num_vcpus(); ++i) {
      VcpuTrack t;
      t.track.pid = kVmPid;
      t.track.tid = i;
      // vCPU 0 is booted into the guest; the others wait for HSM hart_start.
      if (vm->vcpu(i).hart().virt) t.state = VcpuState::kRunning;
      vcpus_.push_back(t);
      vm->vcpu(i).set_exit_recorder(this);
    }
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
  meta("process_name", kVmPid, -1, "{\"name\":\"vm (hosted hypervisor)\"}");
  meta("process_sort_index", kVmPid, -1, "{\"sort_index\":2}");
  for (const VcpuTrack& v : vcpus_) {
    meta("thread_name", kVmPid, static_cast<int>(v.track.tid),
         "{\"name\":\"vcpu" + std::to_string(v.track.tid) + "\"}");
    meta("thread_sort_index", kVmPid, static_cast<int>(v.track.tid),
         "{\"sort_index\":" + std::to_string(v.track.tid) + "}");
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
  std::string e = "{\"name\":" + quoted(name) + ",\"cat\":\"" + category +
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
  if (hyp_ && hart.virt) {  // a started vCPU enters the guest
    VcpuTrack& v = vcpus_.at(h.track.tid);
    if (v.state == VcpuState::kNone) {
      v.state = VcpuState::kRunning;
      v.since_ps = now;
    }
  }
}

void Timeline::close_vcpu_state(VcpuTrack& v, uint64_t now_ps) {
  switch (v.state) {
    case VcpuState::kRunning:
      slice(v.track, "guest", "guest", v.since_ps, now_ps, "", false);
      break;
    case VcpuState::kBlocked:
      slice(v.track, "blocked (wfi)", "blocked", v.since_ps, now_ps, "", false);
      break;
    case VcpuState::kStopped:
      slice(v.track, "stopped (hsm)", "blocked", v.since_ps, now_ps, "", false);
      break;
    case VcpuState::kNone:
      break;
  }
  v.since_ps = now_ps;
}

void Timeline::sleep_changed(Hart& hart, bool asleep) {
  HartTrack& h = hart_track(hart);
  const uint64_t now = to_ps(hart.observation_time());
  close_hart_slice(h, now);
  h.label = asleep ? (hart.parked() ? "parked" : "wfi") : mode_label(hart);
  if (!hyp_) return;
  VcpuTrack& v = vcpus_.at(h.track.tid);
  close_vcpu_state(v, now);
  v.state = !asleep ? VcpuState::kRunning : hart.parked() ? VcpuState::kStopped : VcpuState::kBlocked;
}

void Timeline::exit_taken(const hyp::ExitEvent& e) {
  VcpuTrack& v = vcpus_.at(e.vcpu);
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
  // The handler may have parked the vCPU (HSM stop) or put it to sleep: the
  // hart's sleep_changed follows and closes this guest interval.
  v.state = VcpuState::kRunning;
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
  for (VcpuTrack& v : vcpus_) close_vcpu_state(v, end);
  if (vm_)
    for (unsigned i = 0; i < vm_->num_vcpus(); ++i) vm_->vcpu(i).set_exit_recorder(nullptr);
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
