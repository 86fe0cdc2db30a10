// platform/compare.cpp: see compare.h.
#include "platform/compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "platform/stats_file.h"

namespace rvh {
namespace {

// One report's figures, as (section, label) -> value, in the order found.
struct Figures {
  struct Entry {
    std::string section, label;
    std::optional<double> number;
    std::optional<std::string> text;
  };
  std::vector<Entry> entries;

  void num(const std::string& section, const std::string& label, const nlohmann::json& v) {
    if (v.is_number()) entries.push_back({section, label, v.get<double>(), std::nullopt});
  }
  void num(const std::string& section, const std::string& label, double v) {
    entries.push_back({section, label, v, std::nullopt});
  }
  void text(const std::string& section, const std::string& label, const std::string& v) {
    entries.push_back({section, label, std::nullopt, v});
  }
  // Every number directly in object `o`, labelled by its key.
  void numbers_of(const std::string& section, const nlohmann::json& o, const std::string& prefix = "") {
    if (!o.is_object()) return;
    for (auto it = o.begin(); it != o.end(); ++it) num(section, prefix + it.key(), it.value());
  }
};

const char* const kRun = "run";
const char* const kModes = "instructions per mode";
const char* const kHarts = "harts";
const char* const kExits = "hypervisor exits (KVM counters)";
const char* const kCauses = "exits by cause";
const char* const kMeanCost = "mean cycles per exit, by cause";
const char* const kCostClass = "cycles per cost class";
const char* const kSplit = "guest vs hypervisor";
const char* const kSbi = "SBI calls";
const char* const kIrq = "interrupts injected";
const char* const kRegions = "benchmark regions";
const char* const kConfig = "configuration (keys that differ)";

void flatten_config(const nlohmann::json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      flatten_config(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else {
    out[prefix] = j.is_string() ? j.get<std::string>() : j.dump();
  }
}

Figures figures_of(const nlohmann::json& s) {
  Figures f;
  if (s.contains("stopped_by") && s["stopped_by"].is_string())
    f.text(kRun, "stopped by", s["stopped_by"].get<std::string>());
  f.num(kRun, "exit code", s.value("exit_code", nlohmann::json()));
  f.num(kRun, "simulated time (ns)", s.value("sim_time_ns", nlohmann::json()));
  f.num(kRun, "host time (s)", s.value("host_time_s", nlohmann::json()));
  f.num(kRun, "instructions", s.value("instructions", nlohmann::json()));
  f.num(kRun, "MIPS", s.value("mips", nlohmann::json()));

  if (s.contains("harts") && s["harts"].is_array()) {
    std::map<std::string, double> by_mode;
    static const char* const kModeNames[] = {"M", "S", "U", "VS", "VU"};
    for (const auto& h : s["harts"]) {
      if (!h.is_object()) continue;
      if (h.contains("instructions") && h["instructions"].is_object())
        for (const char* m : kModeNames)
          if (h["instructions"].contains(m) && h["instructions"][m].is_number())
            by_mode[m] += h["instructions"][m].get<double>();
    }
    for (const char* m : kModeNames)
      if (by_mode.count(m)) f.num(kModes, m, by_mode[m]);
    for (const auto& h : s["harts"]) {
      if (!h.is_object()) continue;
      const nlohmann::json id = h.value("id", nlohmann::json());
      const bool good_id = id.is_number_integer() && id.get<int64_t>() >= 0;
      const std::string p = "hart" + (good_id ? std::to_string(id.get<uint64_t>()) : std::string("?")) + " ";
      for (const char* k : {"cycles", "traps", "interrupts", "mmio_accesses", "wfi_sleeps"})
        f.num(kHarts, p + k, h.value(k, nlohmann::json()));
    }
  }

  if (s.contains("hypervisor") && s["hypervisor"].is_object() && s["hypervisor"].contains("vm") &&
      s["hypervisor"]["vm"].is_object()) {
    const nlohmann::json& vm = s["hypervisor"]["vm"];
    static const char* const kNotExits[] = {
        "hypervisor_cycles", "guest_instructions", "guest_instructions_vs", "guest_instructions_vu", "cycles",
        "guest_cycles"};
    for (auto it = vm.begin(); it != vm.end(); ++it) {
      if (!it.value().is_number()) continue;
      if (std::find(std::begin(kNotExits), std::end(kNotExits), it.key()) != std::end(kNotExits)) continue;
      f.num(kExits, it.key(), it.value());
    }
    if (vm.contains("exit_cost_histograms") && vm["exit_cost_histograms"].is_object()) {
      const nlohmann::json& hs = vm["exit_cost_histograms"];
      for (auto it = hs.begin(); it != hs.end(); ++it)
        if (it.value().is_object()) f.num(kCauses, it.key(), it.value().value("count", nlohmann::json()));
      for (auto it = hs.begin(); it != hs.end(); ++it) {
        if (!it.value().is_object()) continue;
        const nlohmann::json nj = it.value().value("count", nlohmann::json()),
                             sj = it.value().value("sum_cycles", nlohmann::json());
        if (!nj.is_number() || !sj.is_number()) continue;
        const double n = nj.get<double>(), sum = sj.get<double>();
        if (n > 0) f.num(kMeanCost, it.key(), sum / n);
      }
    }
    f.numbers_of(kCostClass, vm.value("cost_cycles", nlohmann::json()));
    f.num(kSplit, "guest cycles", vm.value("guest_cycles", nlohmann::json()));
    f.num(kSplit, "hypervisor cycles", vm.value("hypervisor_cycles", nlohmann::json()));
    const nlohmann::json hyp_j = vm.value("hypervisor_cycles", nlohmann::json()),
                         all_j = vm.value("cycles", nlohmann::json());
    const double hyp = hyp_j.is_number() ? hyp_j.get<double>() : 0, all = all_j.is_number() ? all_j.get<double>() : 0;
    if (all > 0) f.num(kSplit, "hypervisor share (%)", 100.0 * hyp / all);
    f.num(kSplit, "guest instructions", vm.value("guest_instructions", nlohmann::json()));
    f.numbers_of(kSbi, vm.value("sbi_calls", nlohmann::json()));
    f.numbers_of(kIrq, vm.value("interrupts_injected", nlohmann::json()));
  }

  for (const StatsRegion& r : stats_regions(s)) {
    for (const auto& [field, value] : r.per_iteration) f.num(kRegions, r.name + " " + field + " / iteration", value);
    for (const auto& [field, value] : r.fields) f.num(kRegions, r.name + " " + field, value);
  }
  return f;
}

}  // namespace

std::vector<CompareRow> compare_stats(const nlohmann::json& a, const nlohmann::json& b) {
  const Figures fa = figures_of(a), fb = figures_of(b);
  std::vector<std::string> sections;
  for (const auto* f : {&fa, &fb})
    for (const auto& e : f->entries)
      if (std::find(sections.begin(), sections.end(), e.section) == sections.end()) sections.push_back(e.section);

  std::vector<CompareRow> rows;
  for (const std::string& section : sections) {
    auto find_row = [&](const std::string& label) -> CompareRow* {
      for (auto& r : rows)
        if (r.section == section && r.label == label) return &r;
      return nullptr;
    };
    for (int side = 0; side < 2; ++side)
      for (const auto& e : (side == 0 ? fa : fb).entries) {
        if (e.section != section) continue;
        CompareRow* r = find_row(e.label);
        if (!r) {
          rows.push_back(CompareRow{section, e.label, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
          r = &rows.back();
        }
        (side == 0 ? r->a : r->b) = e.number;
        (side == 0 ? r->a_text : r->b_text) = e.text;
      }
  }

  // The configuration: only the keys whose values differ.
  std::map<std::string, std::string> ca, cb;
  if (a.contains("config")) flatten_config(a["config"], "", ca);
  if (b.contains("config")) flatten_config(b["config"], "", cb);
  std::map<std::string, int> keys;
  for (const auto& [k, v] : ca) keys[k] |= 1;
  for (const auto& [k, v] : cb) keys[k] |= 2;
  for (const auto& [k, sides] : keys) {
    const auto ia = ca.find(k), ib = cb.find(k);
    if (sides == 3 && ia->second == ib->second) continue;
    CompareRow r{kConfig, k, std::nullopt, std::nullopt, std::nullopt, std::nullopt};
    if (ia != ca.end()) r.a_text = ia->second;
    if (ib != cb.end()) r.b_text = ib->second;
    // Numbers compare as numbers.
    auto as_number = [](const std::optional<std::string>& t) -> std::optional<double> {
      if (!t) return std::nullopt;
      try {
        const nlohmann::json j = nlohmann::json::parse(*t);
        if (j.is_number()) return j.get<double>();
      } catch (const nlohmann::json::exception&) {
      }
      return std::nullopt;
    };
    const auto na = as_number(r.a_text), nb = as_number(r.b_text);
    if ((na || !r.a_text) && (nb || !r.b_text) && (na || nb)) {
      r.a = na;
      r.b = nb;
      r.a_text.reset();
      r.b_text.reset();
    }
    rows.push_back(r);
  }
  return rows;
}

namespace {

std::string format_number(double v) {
  char buf[64];
  if (std::fabs(v) < 9e15 && v == std::floor(v))
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string format_diff(double d) {
  std::string s = format_number(d);
  if (d > 0) s = "+" + s;
  return s;
}

}  // namespace

void print_comparison(const std::vector<CompareRow>& rows, const std::string& a_name, const std::string& b_name,
                      std::ostream& out) {
  struct Cells {
    std::string label, a, b, diff, rel;
  };
  std::vector<std::pair<std::string, std::vector<Cells>>> sections;
  for (const CompareRow& r : rows) {
    if (sections.empty() || sections.back().first != r.section) sections.push_back({r.section, {}});
    Cells c;
    c.label = r.label;
    c.a = r.a ? format_number(*r.a) : r.a_text ? *r.a_text : "-";
    c.b = r.b ? format_number(*r.b) : r.b_text ? *r.b_text : "-";
    c.diff = c.rel = "-";
    if (r.a && r.b) {
      const double d = *r.b - *r.a;
      c.diff = format_diff(d);
      if (d == 0) {
        c.rel = "0.00%";
      } else if (*r.a != 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%+.2f%%", 100.0 * d / *r.a);
        c.rel = buf;
      }
    } else if (r.a_text && r.b_text) {
      c.diff = *r.a_text == *r.b_text ? "same" : "differs";
    }
    sections.back().second.push_back(c);
  }
  size_t w[5] = {6, 1, 1, 3, 7};  // "metric", "A", "B", "B-A", "(B-A)/A"
  for (const auto& [name, cells] : sections)
    for (const Cells& c : cells) {
      w[0] = std::max(w[0], c.label.size() + 2);
      w[1] = std::max(w[1], c.a.size());
      w[2] = std::max(w[2], c.b.size());
      w[3] = std::max(w[3], c.diff.size());
      w[4] = std::max(w[4], c.rel.size());
    }
  auto pad_right = [](const std::string& s, size_t n) { return s + std::string(n > s.size() ? n - s.size() : 0, ' '); };
  auto pad_left = [](const std::string& s, size_t n) { return std::string(n > s.size() ? n - s.size() : 0, ' ') + s; };
  out << "A: " << a_name << "\nB: " << b_name << "\n\n";
  out << pad_right("metric", w[0]) << "  " << pad_left("A", w[1]) << "  " << pad_left("B", w[2]) << "  "
      << pad_left("B-A", w[3]) << "  " << pad_left("(B-A)/A", w[4]) << "\n";
  for (const auto& [name, cells] : sections) {
    out << "\n" << name << "\n";
    for (const Cells& c : cells)
      out << pad_right("  " + c.label, w[0]) << "  " << pad_left(c.a, w[1]) << "  " << pad_left(c.b, w[2]) << "  "
          << pad_left(c.diff, w[3]) << "  " << pad_left(c.rel, w[4]) << "\n";
  }
}

int compare_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    out << "Usage: rvh-vp compare A.json B.json\n"
           "Prints two --stats reports side by side with B-A and (B-A)/A (docs/reports.md).\n";
    return 0;
  }
  if (args.size() != 2) {
    err << "rvh-vp compare: expected two --stats files, e.g. rvh-vp compare a.json b.json\n";
    return 2;
  }
  try {
    const nlohmann::json a = load_stats_file(args[0]);
    const nlohmann::json b = load_stats_file(args[1]);
    print_comparison(compare_stats(a, b), args[0], args[1], out);
  } catch (const std::exception& e) {
    err << "rvh-vp compare: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace rvh
