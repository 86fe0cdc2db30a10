// platform/marker_regions.cpp: see marker_regions.h.
#include "platform/marker_regions.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <ostream>

#include "cpu/marker.h"

namespace rvh {
namespace {

uint64_t period_ps(const Hart& h) { return std::max<uint64_t>(1, 1'000'000'000'000ull / h.config().clock_hz); }

uint64_t to_ps(const sc_core::sc_time& t) {
  return static_cast<uint64_t>(t.value() / sc_core::sc_time(1, sc_core::SC_PS).value());
}

sc_core::sc_time ps_time(uint64_t ps) { return sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS); }

// after - before for every unsigned number: at the top level always, in
// nested objects (which are kept, maybe empty) only where it is not 0.
nlohmann::json delta(const nlohmann::json& after, const nlohmann::json& before, bool top = true) {
  nlohmann::json d = nlohmann::json::object();
  if (!after.is_object()) return d;
  for (auto it = after.begin(); it != after.end(); ++it) {
    const nlohmann::json* b = before.is_object() && before.contains(it.key()) ? &before[it.key()] : nullptr;
    if (it.value().is_number_unsigned()) {
      const uint64_t was = b && b->is_number_unsigned() ? b->get<uint64_t>() : 0;
      const uint64_t now = it.value().get<uint64_t>();
      if (top || now != was) d[it.key()] = now - was;
    } else if (it.value().is_object()) {
      d[it.key()] = delta(it.value(), b ? *b : nlohmann::json::object(), false);
    }
  }
  return d;
}

// Adds every unsigned number of `part` into `total` (objects recursively).
void add_into(nlohmann::json& total, const nlohmann::json& part) {
  for (auto it = part.begin(); it != part.end(); ++it) {
    if (it.value().is_number_unsigned()) {
      total[it.key()] = total.value(it.key(), uint64_t{0}) + it.value().get<uint64_t>();
    } else if (it.value().is_object()) {
      if (!total.contains(it.key())) total[it.key()] = nlohmann::json::object();
      add_into(total[it.key()], it.value());
    }
  }
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

}  // namespace

MarkerRegions::MarkerRegions(const std::vector<Hart*>& harts) {
  for (unsigned i = 0; i < harts.size(); ++i) {
    harts_[harts[i]].index = i;
    harts[i]->on_marker = [this](Hart& h, unsigned op, uint64_t arg) { on_marker(h, op, arg); };
  }
}

void MarkerRegions::set_vcpu(unsigned hart, unsigned vcpu, CounterSnapshot counters) {
  for (auto& [h, s] : harts_)
    if (s.index == hart) {
      s.is_vcpu = true;
      s.vcpu = vcpu;
      s.counters = std::move(counters);
    }
}

void MarkerRegions::on_marker(Hart& h, unsigned op, uint64_t arg) {
  ++markers_seen_;
  auto it = harts_.find(&h);
  if (it == harts_.end()) return;  // not a hart of this platform
  HartState& s = it->second;
  if (s.open && op != marker::kEnd) ++s.markers_inside;  // the closing end is outside its segment
  switch (op) {
    case marker::kName: append_name(s, arg); break;
    case marker::kBegin: begin(h, s); break;
    case marker::kEnd: end(h, s, arg); break;
    case marker::kMark: mark(h, s, arg); break;
    case marker::kSleepUntil: break;  // the hart sleeps by itself (Hart::sleep_until_time)
    default: error(h, s, "unknown_op", "marker op " + std::to_string(op) + " is reserved"); break;
  }
}

void MarkerRegions::error(const Hart& h, const HartState& s, const char* kind, const std::string& what) {
  ++errors_[kind];
  if (error_count_++ == 0) {
    char where[64];
    std::snprintf(where, sizeof where, "hart%u pc 0x%" PRIx64 ": ", s.index, h.pc);
    first_error_ = where + what;
  }
}

nlohmann::json MarkerRegions::errors_json() const {
  nlohmann::json j = {{"count", error_count_}, {"by_kind", nlohmann::json::object()}};
  for (const auto& [kind, n] : errors_) j["by_kind"][kind] = n;
  if (error_count_) j["first"] = first_error_;
  return j;
}

void MarkerRegions::add_to_stats(nlohmann::json& stats, bool hyp) const {
  if (!hyp && markers_seen_ == 0) return;
  nlohmann::json& at = hyp ? stats["hypervisor"] : stats;
  at["regions"] = regions_;
  at["marker_errors"] = errors_json();
}

void MarkerRegions::report_errors(std::ostream& out) const {
  if (error_count_ == 0) return;
  out << "rvh-vp: " << error_count_ << " marker HINT" << (error_count_ == 1 ? "" : "s")
      << " used wrongly and ignored (marker_errors in --stats), first: " << first_error_ << "\n";
}

void MarkerRegions::append_name(HartState& s, uint64_t arg) {
  for (unsigned i = 0; i < 8; ++i) {
    const char c = static_cast<char>(arg >> (8 * i));
    if (c == 0) break;
    if (s.pending_name.size() == kMaxName) {
      s.name_too_long = true;
      break;
    }
    s.pending_name += c;
  }
}

void MarkerRegions::begin(Hart& h, HartState& s) {
  const std::string name = std::move(s.pending_name);
  const bool too_long = s.name_too_long;
  s.pending_name.clear();
  s.name_too_long = false;
  if (s.open) return error(h, s, "begin_while_open", "begin while region '" + s.name + "' is open");
  if (too_long)
    return error(h, s, "name_too_long", "region name longer than " + std::to_string(kMaxName) + " characters");
  if (name.empty()) return error(h, s, "bad_name", "begin without a region name");
  if (!std::all_of(name.begin(), name.end(), name_char))
    return error(h, s, "bad_name", "region name '" + name + "' has characters other than [A-Za-z0-9_.-]");
  s.open = true;
  s.name = name;
  s.markers_inside = 0;
  s.latency = Latency{};
  // After this HINT, which retires once the handler returns.
  const uint64_t c = h.config().cpi.of(marker::kClass);
  s.start.cycles = h.cycles + c;
  s.start.instructions = h.instret + 1;
  s.start.time = h.local_time() + ps_time(c * period_ps(h));
  s.start.counters = s.counters ? s.counters() : nlohmann::json();
}

void MarkerRegions::end(Hart& h, HartState& s, uint64_t iterations) {
  if (!s.open) return error(h, s, "end_without_begin", "end without begin");
  s.open = false;
  // Before this HINT; the markers inside cost their ALU cycles each.
  const uint64_t inside_cycles = s.markers_inside * h.config().cpi.of(marker::kClass);
  const uint64_t ps = to_ps(h.local_time() - s.start.time) - inside_cycles * period_ps(h);
  nlohmann::json seg = {{"segments", 1u},
                        {"iterations", iterations},
                        {"cycles", h.cycles - s.start.cycles - inside_cycles},
                        {"instructions", h.instret - s.start.instructions - s.markers_inside},
                        {"ps", ps}};
  if (s.counters) seg.update(delta(s.counters(), s.start.counters));
  record(s, seg);
}

void MarkerRegions::mark(Hart& h, HartState& s, uint64_t deadline) {
  if (!s.open) return error(h, s, "mark_outside_region", "mark outside a region");
  const sc_core::sc_time issued = h.local_time();  // this HINT's instant
  const sc_core::sc_time due = h.instant_of_time(deadline);
  if (issued < due)
    return error(h, s, "mark_before_deadline", "mark before its deadline (time " + std::to_string(deadline) + ")");
  const uint64_t ps = to_ps(issued - due);
  Latency& l = s.latency;
  l.min_ps = l.samples ? std::min(l.min_ps, ps) : ps;
  l.max_ps = l.samples ? std::max(l.max_ps, ps) : ps;
  ++l.samples;
  l.total_ps += ps;
}

void MarkerRegions::record(const HartState& s, const nlohmann::json& seg) {
  nlohmann::json* rec = nullptr;
  for (auto& r : regions_)
    if (r["name"] == s.name && r["hart"] == s.index) rec = &r;
  if (!rec) {
    nlohmann::json fresh = {{"name", s.name}, {"hart", s.index}};
    if (s.is_vcpu) fresh["vcpu"] = s.vcpu;
    regions_.push_back(fresh);
    rec = &regions_.back();
  }
  add_into(*rec, seg);
  (*rec)["ns"] = static_cast<double>((*rec)["ps"].get<uint64_t>()) / 1000.0;
  const Latency& lat = s.latency;
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

}  // namespace rvh
