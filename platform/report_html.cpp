// platform/report_html.cpp: see report_html.h. Everything on the page comes
// from the stats document; sections whose data is absent are left out (a
// bare-metal run has no hypervisor sections, an older report no histograms).
#include "platform/report_html.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "hyp/cost_histogram.h"
#include "platform/file_io.h"
#include "platform/stats_file.h"
#include "platform/svg_chart.h"

namespace rvh {
namespace {

using nlohmann::json;

// Colours by exit family, the same in every chart.
std::string cause_color(const std::string& name) {
  auto starts = [&](const char* p) { return name.rfind(p, 0) == 0; };
  if (starts("sbi")) return "#4e79a7";
  if (starts("mmio")) return "#f28e2b";
  if (starts("wfi")) return "#76b7b2";
  if (starts("gstage")) return "#59a14f";
  if (starts("redirect")) return "#e15759";
  if (starts("csr")) return "#b07aa1";
  if (starts("host")) return "#edc948";
  if (starts("world")) return "#9c755f";
  return "#8c8c8c";
}

double number_at(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0;
}

std::vector<BarItem> items_of_object(const json& o) {
  std::vector<BarItem> items;
  if (!o.is_object()) return items;
  for (auto it = o.begin(); it != o.end(); ++it)
    if (it.value().is_number()) items.push_back({it.key(), it.value().get<double>(), cause_color(it.key()), ""});
  return items;
}

void sort_desc(std::vector<BarItem>& items) {
  std::stable_sort(items.begin(), items.end(), [](const BarItem& a, const BarItem& b) { return a.value > b.value; });
}

std::string chart_or_note(const std::vector<BarItem>& items) {
  if (items.empty()) return "<p class=\"note\">none in this run</p>\n";
  return svg_hbar_chart(items);
}

std::string row(const std::string& k, const std::string& v) {
  return "<tr><th>" + html_escape(k) + "</th><td>" + html_escape(v) + "</td></tr>\n";
}

std::string text_at(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key)) return "-";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

const char* const kStyle = R"(
body { font: 14px/1.45 system-ui, sans-serif; color: #222; background: #fff; margin: 0; }
main { max-width: 960px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 24px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 4px 0; }
p.sub, p.note { color: #666; margin: 2px 0 8px; }
code { font-size: 12px; background: #f4f4f4; padding: 1px 4px; border-radius: 3px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 2px 12px 2px 0; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.grid td, table.grid th { border-bottom: 1px solid #eee; padding: 3px 10px; }
svg.plot { display: block; margin: 6px 0 10px; font-size: 12px; }
svg.plot text { fill: #333; }
svg.plot text.inside { fill: #fff; font-weight: 600; }
svg.plot text.tick { font-size: 10px; fill: #555; }
svg.plot .axis { stroke: #999; stroke-width: 1; }
.hists { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 24px; }
.hist { break-inside: avoid; }
details pre { font-size: 12px; background: #f7f7f7; padding: 8px; overflow-x: auto; }
)";

std::string run_section(const json& s) {
  std::string h = "<h2>Run</h2>\n<table>\n";
  h += row("stopped by", text_at(s, "stopped_by") + " (exit code " + text_at(s, "exit_code") + ")");
  h += row("simulated time", format_number(number_at(s, "sim_time_ns") / 1000.0) + " \u00b5s");
  h += row("host time", format_number(number_at(s, "host_time_s")) + " s");
  h += row("instructions", format_number(number_at(s, "instructions")));
  h += row("MIPS", format_number(number_at(s, "mips")));
  if (s.contains("versions") && s["versions"].is_object() && s["versions"].contains("rvh_vp"))
    h += row("rvh-vp", text_at(s["versions"], "rvh_vp"));
  h += row("schema", text_at(s, "schema"));
  h += "</table>\n";
  return h;
}

std::string modes_section(const json& s) {
  if (!s.contains("harts") || !s["harts"].is_array()) return "";
  static const char* const kModes[] = {"M", "S", "U", "VS", "VU"};
  static const char* const kColors[] = {"#9c755f", "#4e79a7", "#76b7b2", "#59a14f", "#edc948"};
  std::map<std::string, double> total;
  std::string table = "<table class=\"grid\"><tr><th>hart</th>";
  for (const char* m : kModes) table += std::string("<th class=\"n\">") + m + "</th>";
  table +=
      "<th class=\"n\">cycles</th><th class=\"n\">traps</th><th class=\"n\">interrupts</th>"
      "<th class=\"n\">wfi sleeps</th></tr>\n";
  for (const json& hart : s["harts"]) {
    if (!hart.is_object()) continue;
    table += "<tr><td>hart" + text_at(hart, "id") + "</td>";
    const json& ins = hart.contains("instructions") ? hart["instructions"] : json();
    for (const char* m : kModes) {
      total[m] += number_at(ins, m);
      table += "<td class=\"n\">" + format_number(number_at(ins, m)) + "</td>";
    }
    for (const char* k : {"cycles", "traps", "interrupts", "wfi_sleeps"})
      table += "<td class=\"n\">" + format_number(number_at(hart, k)) + "</td>";
    table += "</tr>\n";
  }
  table += "</table>\n";
  std::vector<BarItem> items;
  for (size_t i = 0; i < 5; ++i)
    if (total[kModes[i]] > 0) items.push_back({kModes[i], total[kModes[i]], kColors[i], ""});
  return "<h2>Instructions per mode</h2>\n<p class=\"sub\">retired instructions, all harts</p>\n" +
         chart_or_note(items) + table;
}

// Several VMs (--vm): "hypervisor.vms" holds each VM's statistics, shaped
// like a one-VM "hypervisor" object with its "name".
bool several_vms(const json& hyp) { return hyp.contains("vms") && hyp["vms"].is_array() && hyp["vms"].size() > 1; }

std::string vm_name(const json& v, size_t index) {
  return v.is_object() && v.contains("name") && v["name"].is_string() ? v["name"].get<std::string>()
                                                                      : "vm" + std::to_string(index);
}

const char* vm_color(size_t index) {
  static const char* const kColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2",
                                        "#edc948", "#9c755f"};
  return kColors[index % 8];
}

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * fraction);
  return buf;
}

// How a VM stopped, from its "stopped" object: the reason's first line and the status.
std::string stop_text(const json& v) {
  if (!v.is_object() || !v.contains("stopped") || !v["stopped"].is_object()) return "-";
  std::string reason = text_at(v["stopped"], "reason");
  reason = reason.substr(0, reason.find('\n'));
  if (reason.empty()) return "not stopped";
  return reason + " (exit status " + text_at(v["stopped"], "exit_code") + ")";
}

// Per-VM rows and charts; the other sections show the totals of all VMs.
std::string vms_section(const json& hyp) {
  if (!several_vms(hyp)) return "";
  const json& vms = hyp["vms"];
  std::string h =
      "<h2 id=\"vms\">VMs</h2>\n<p class=\"sub\">each VM on its own; the other hypervisor sections add up all "
      "VMs</p>\n<table class=\"grid\"><tr><th>VM</th><th class=\"n\">vCPUs</th><th class=\"n\">VMID</th>"
      "<th class=\"n\">exits</th><th class=\"n\">guest cycles</th><th class=\"n\">hypervisor cycles</th>"
      "<th class=\"n\">hypervisor share</th><th class=\"n\">timer latency samples</th>"
      "<th class=\"n\">mean (ns)</th><th class=\"n\">max (ns)</th><th>stopped</th></tr>\n";
  std::vector<BarItem> exits, latency;
  std::string splits;
  for (size_t i = 0; i < vms.size(); ++i) {
    const json& v = vms[i];
    const json& vm = v.is_object() && v.contains("vm") ? v["vm"] : json();
    const json& config = v.is_object() && v.contains("config") ? v["config"] : json();
    const json& lat = vm.is_object() && vm.contains("timer_latency") ? vm["timer_latency"] : json();
    const std::string name = vm_name(v, i);
    const double guest = number_at(vm, "guest_cycles"), hv = number_at(vm, "hypervisor_cycles");
    const double samples = number_at(lat, "samples");
    const double mean_ns = samples > 0 ? number_at(lat, "total_ps") / samples / 1000.0 : 0;
    auto cell = [](const std::string& text) { return "<td class=\"n\">" + html_escape(text) + "</td>"; };
    h += "<tr><td>" + html_escape(name) + "</td>" + cell(format_number(number_at(config, "vcpus"))) +
         cell(text_at(config, "vmid")) + cell(format_number(number_at(vm, "exits"))) + cell(format_number(guest)) +
         cell(format_number(hv)) + cell(guest + hv > 0 ? percent(hv / (guest + hv)) : "-") +
         cell(format_number(samples)) + cell(samples > 0 ? format_number(mean_ns) : "-") +
         cell(samples > 0 ? format_number(number_at(lat, "max_ps") / 1000.0) : "-") + "<td>" +
         html_escape(stop_text(v)) + "</td></tr>\n";
    if (number_at(vm, "exits") > 0) exits.push_back({name, number_at(vm, "exits"), vm_color(i), ""});
    if (samples > 0) latency.push_back({name, mean_ns, vm_color(i), format_number(mean_ns) + " ns"});
    if (guest + hv > 0)
      splits += "<h3>" + html_escape(name) + ": guest vs hypervisor time</h3>\n" +
                svg_split_bar({{"guest", guest, "#59a14f", format_number(guest) + " cycles"},
                               {"hypervisor", hv, "#e15759", format_number(hv) + " cycles"}});
  }
  h += "</table>\n";
  h += "<h3>exits per VM</h3>\n" + chart_or_note(exits);
  h += splits;
  if (!latency.empty())
    h += "<h3>mean timer interrupt latency per VM</h3>\n<p class=\"note\">from the deadline the guest "
         "programmed to its handler (docs/hypervisor.md)</p>\n" +
         svg_hbar_chart(latency);

  // Exits by cause, one column per VM (the names of the cost histograms).
  std::map<std::string, double> total;
  for (const json& v : vms) {
    const json& vm = v.is_object() && v.contains("vm") ? v["vm"] : json();
    if (!vm.is_object() || !vm.contains("exit_cost_histograms") || !vm["exit_cost_histograms"].is_object()) continue;
    for (auto it = vm["exit_cost_histograms"].begin(); it != vm["exit_cost_histograms"].end(); ++it)
      total[it.key()] += number_at(it.value(), "count");
  }
  if (!total.empty()) {
    std::vector<std::pair<std::string, double>> causes(total.begin(), total.end());
    std::stable_sort(causes.begin(), causes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    h += "<h3>exits by cause per VM</h3>\n<table class=\"grid\"><tr><th>exit</th>";
    for (size_t i = 0; i < vms.size(); ++i) h += "<th class=\"n\">" + html_escape(vm_name(vms[i], i)) + "</th>";
    h += "</tr>\n";
    for (const auto& [cause, n] : causes) {
      h += "<tr><td>" + html_escape(cause) + "</td>";
      for (const json& v : vms) {
        const json& vm = v.is_object() && v.contains("vm") ? v["vm"] : json();
        const json& hists = vm.is_object() && vm.contains("exit_cost_histograms") ? vm["exit_cost_histograms"] : json();
        const double count = hists.is_object() && hists.contains(cause) ? number_at(hists[cause], "count") : 0;
        h += "<td class=\"n\">" + format_number(count) + "</td>";
      }
      h += "</tr>\n";
    }
    h += "</table>\n";
  }
  return h;
}

// The vCPU scheduler (hyp/scheduler.h): with several VMs, or whenever it
// switched vCPUs (more vCPUs than harts); a run with one vCPU per hart
// has nothing to show.
std::string scheduler_section(const json& hyp) {
  if (!hyp.contains("scheduler") || !hyp["scheduler"].is_object()) return "";
  const json& sc = hyp["scheduler"];
  static const char* const kCounters[] = {"vcpu_switches", "vm_switches", "gstage_flushes",
                                          "preemptions",   "migrations",  "reschedule_interrupts"};
  double any = 0;
  for (const char* k : kCounters) any += number_at(sc, k);
  if (!several_vms(hyp) && any == 0) return "";
  std::string h = "<h2 id=\"scheduler\">Scheduler</h2>\n<p class=\"sub\">" + format_number(number_at(sc, "harts")) +
                  " harts, " + format_number(number_at(sc, "vcpus")) + " vCPUs, time slice " +
                  format_number(number_at(sc, "time_slice_ns") / 1000.0) + " \u00b5s, VMID bits " +
                  text_at(sc, "vmid_bits") + "</p>\n<table class=\"grid\">\n";
  std::vector<BarItem> items;
  for (const char* k : kCounters) {
    h += "<tr><td>" + std::string(k) + "</td><td class=\"n\">" + format_number(number_at(sc, k)) + "</td></tr>\n";
    if (number_at(sc, k) > 0) items.push_back({k, number_at(sc, k), "#76b7b2", ""});
  }
  // The switch costs charged (docs/timing.md), from the cost classes.
  const json& vm = hyp.contains("vm") ? hyp["vm"] : json();
  const json& classes = vm.is_object() && vm.contains("cost_cycles") ? vm["cost_cycles"] : json();
  for (const char* k : {"vcpu_switch", "vm_switch", "gstage_flush"})
    if (number_at(classes, k) > 0)
      h += "<tr><td>cycles charged for " + std::string(k) + "</td><td class=\"n\">" +
           format_number(number_at(classes, k)) + "</td></tr>\n";
  h += "</table>\n";
  if (!items.empty()) h += svg_hbar_chart(items);
  // Per vCPU: how often it was put on a hart, preempted, switched out blocked, moved.
  if (hyp.contains("vcpus") && hyp["vcpus"].is_array() && hyp["vcpus"].size() > 1) {
    h += "<table class=\"grid\"><tr><th>vCPU</th><th class=\"n\">scheduled in</th><th class=\"n\">preempted</th>"
         "<th class=\"n\">blocked switches</th><th class=\"n\">migrations</th></tr>\n";
    for (const json& v : hyp["vcpus"]) {
      if (!v.is_object()) continue;
      const std::string vm_prefix = v.contains("vm") && v["vm"].is_string() ? v["vm"].get<std::string>() + " " : "";
      h += "<tr><td>" + html_escape(vm_prefix + "vcpu" + text_at(v, "id")) + "</td>";
      for (const char* k : {"scheduled_in", "preempted", "blocked_switches", "migrations"})
        h += "<td class=\"n\">" + format_number(number_at(v, k)) + "</td>";
      h += "</tr>\n";
    }
    h += "</table>\n";
  }
  return h;
}

std::string hypervisor_sections(const json& hyp) {
  if (!hyp.is_object() || !hyp.contains("vm") || !hyp["vm"].is_object()) return "";
  const json& vm = hyp["vm"];
  std::string h;

  // Guest vs hypervisor.
  const double guest = number_at(vm, "guest_cycles"), hv = number_at(vm, "hypervisor_cycles");
  h += "<h2>Guest vs hypervisor time</h2>\n<p class=\"sub\">hart cycles while the guest ran vs cycles charged "
       "by the hosted hypervisor's cost model (all vCPUs" +
       std::string(several_vms(hyp) ? " of all VMs" : "") + ")</p>\n";
  h += svg_split_bar({{"guest", guest, "#59a14f", format_number(guest) + " cycles"},
                      {"hypervisor", hv, "#e15759", format_number(hv) + " cycles"}});
  if (hyp.contains("vcpus") && hyp["vcpus"].is_array() && hyp["vcpus"].size() > 1) {
    for (const json& v : hyp["vcpus"]) {
      const std::string vm_prefix =
          v.is_object() && v.contains("vm") && v["vm"].is_string() ? v["vm"].get<std::string>() + " " : "";
      h += "<h3>" + html_escape(vm_prefix + "vcpu" + text_at(v, "id")) + "</h3>\n";
      h += svg_split_bar({{"guest", number_at(v, "guest_cycles"), "#59a14f", ""},
                          {"hypervisor", number_at(v, "hypervisor_cycles"), "#e15759", ""}});
    }
  }

  h += vms_section(hyp);
  h += scheduler_section(hyp);

  // Exits and cost by cause: the exit names of the histograms when the
  // report has them, else KVM's counters and the cost classes.
  const json hists = vm.contains("exit_cost_histograms") && vm["exit_cost_histograms"].is_object()
                         ? vm["exit_cost_histograms"]
                         : json::object();
  std::vector<BarItem> by_count, by_cost;
  for (auto it = hists.begin(); it != hists.end(); ++it) {
    by_count.push_back({it.key(), number_at(it.value(), "count"), cause_color(it.key()), ""});
    by_cost.push_back({it.key(), number_at(it.value(), "sum_cycles"), cause_color(it.key()), ""});
  }
  if (by_count.empty()) {
    for (auto it = vm.begin(); it != vm.end(); ++it) {
      const std::string& k = it.key();
      const bool counter =
          (k.find("exit") != std::string::npos || k == "gstage_map_faults" || k == "redirected_traps") &&
          k != "exits" && it.value().is_number() && it.value().get<double>() > 0;
      if (counter) by_count.push_back({k, it.value().get<double>(), cause_color(k), ""});
    }
  }
  sort_desc(by_count);
  sort_desc(by_cost);
  h += "<h2 id=\"exits\">Exits by cause</h2>\n<p class=\"sub\">" + format_number(number_at(vm, "exits")) +
       " exits</p>\n" + chart_or_note(by_count);
  if (!by_cost.empty())
    h += "<h2>Cost by cause</h2>\n<p class=\"sub\">cycles per exit cause: charged costs plus device access "
         "time</p>\n" +
         chart_or_note(by_cost);
  std::vector<BarItem> classes = items_of_object(vm.contains("cost_cycles") ? vm["cost_cycles"] : json());
  sort_desc(classes);
  h += "<h2>Cost by cost class</h2>\n<p class=\"sub\">cycles charged per class of the cost model "
       "(docs/hypervisor.md)</p>\n" +
       chart_or_note(classes);

  std::vector<BarItem> sbi = items_of_object(vm.contains("sbi_calls") ? vm["sbi_calls"] : json());
  for (auto& i : sbi) i.color = cause_color("sbi");
  sort_desc(sbi);
  h += "<h2>SBI calls</h2>\n" + chart_or_note(sbi);

  // One latency histogram per exit cause, the most frequent first.
  if (!hists.empty()) {
    h += "<h2 id=\"histograms\">Exit cost histograms</h2>\n<p class=\"sub\">hart cycles per exit, per cause; buckets "
         "are quarter "
         "octaves ([8,10) [10,12) ... [16,20) ...)</p>\n<div class=\"hists\">\n";
    for (const BarItem& cause : by_count) {
      const json& hj = hists[cause.label];
      if (!hj.contains("buckets") || !hj["buckets"].is_object()) continue;
      std::map<uint64_t, uint64_t> counts;
      for (auto it = hj["buckets"].begin(); it != hj["buckets"].end(); ++it) {
        if (!it.value().is_number_integer() || it.value().get<int64_t>() < 0) continue;
        try {
          counts[std::stoull(it.key())] += it.value().get<uint64_t>();
        } catch (const std::exception&) {
        }
      }
      if (counts.empty()) continue;
      // Contiguous buckets from the lowest to the highest when that is a
      // readable number of them, else only those that occur.
      // Three empty buckets on each side give a lone bucket some context.
      std::vector<HistogramBucket> buckets;
      uint64_t lower = hyp::cost_bucket_lower(counts.begin()->first);
      for (int i = 0; i < 3 && lower > 0; ++i) lower = hyp::cost_bucket_lower(lower - 1);
      uint64_t last = counts.rbegin()->first;
      for (int i = 0; i < 3; ++i) last = hyp::cost_bucket_upper(last);
      size_t span = 0;
      for (uint64_t b = lower; b <= last && span <= 48; b = hyp::cost_bucket_upper(b)) ++span;
      if (span <= 48) {
        for (uint64_t b = lower; b <= last; b = hyp::cost_bucket_upper(b))
          buckets.push_back({b, hyp::cost_bucket_upper(b), counts.count(b) ? counts[b] : 0});
      } else {
        buckets.clear();
        for (const auto& [b, n] : counts) buckets.push_back({b, hyp::cost_bucket_upper(b), n});
      }
      const double n = number_at(hj, "count"), sum = number_at(hj, "sum_cycles");
      h += "<div class=\"hist\"><h3>" + html_escape(cause.label) + "</h3><p class=\"note\">" + format_number(n) +
           " exits, mean " + format_number(n > 0 ? sum / n : 0) + " cycles</p>\n" +
           svg_histogram(buckets, cause_color(cause.label), "cycles per exit") + "</div>\n";
    }
    h += "</div>\n";
  }

  // The tables.
  h += "<h2 id=\"counters\">Hypervisor counters</h2>\n<table class=\"grid\">\n";
  for (auto it = vm.begin(); it != vm.end(); ++it)
    if (it.value().is_number())
      h += "<tr><td>" + html_escape(it.key()) + "</td><td class=\"n\">" + format_number(it.value().get<double>()) +
           "</td></tr>\n";
  h += "</table>\n";
  if (vm.contains("interrupts_injected") && vm["interrupts_injected"].is_object() &&
      !vm["interrupts_injected"].empty()) {
    h += "<h3>interrupts injected</h3>\n<table class=\"grid\">\n";
    for (auto it = vm["interrupts_injected"].begin(); it != vm["interrupts_injected"].end(); ++it)
      h += "<tr><td>" + html_escape(it.key()) + "</td><td class=\"n\">" +
           format_number(number_at(vm["interrupts_injected"], it.key().c_str())) + "</td></tr>\n";
    h += "</table>\n";
  }
  const std::string reason = hyp.contains("stopped") ? text_at(hyp["stopped"], "reason") : "-";
  if (!reason.empty() && reason != "-") h += "<p>VM stopped: <code>" + html_escape(reason) + "</code></p>\n";
  return h;
}

// A table of regions x fields ("-" where a region lacks one).
std::string region_table(const std::vector<StatsRegion>& regions,
                         std::vector<std::pair<std::string, double>> StatsRegion::*list, const std::string& suffix) {
  std::vector<std::string> fields;
  for (const StatsRegion& r : regions)
    for (const auto& f : r.*list)
      if (std::find(fields.begin(), fields.end(), f.first) == fields.end()) fields.push_back(f.first);
  std::string h = "<table class=\"grid\"><tr><th>region</th>";
  for (const std::string& f : fields) h += "<th class=\"n\">" + html_escape(f + suffix) + "</th>";
  h += "</tr>\n";
  for (const StatsRegion& r : regions) {
    h += "<tr><td>" + html_escape(r.name) + "</td>";
    for (const std::string& f : fields) {
      std::string cell = "-";
      for (const auto& [k, v] : r.*list)
        if (k == f) cell = format_number(v);
      h += "<td class=\"n\">" + cell + "</td>";
    }
    h += "</tr>\n";
  }
  return h + "</table>\n";
}

// Bar charts of the regions, one per field of `list`, at most `max_charts`.
std::string region_charts(const std::vector<StatsRegion>& regions,
                          std::vector<std::pair<std::string, double>> StatsRegion::*list, const std::string& suffix,
                          size_t max_charts) {
  static const char* const kColors[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2"};
  std::vector<std::string> fields;
  for (const StatsRegion& r : regions)
    for (const auto& f : r.*list)
      if (std::find(fields.begin(), fields.end(), f.first) == fields.end()) fields.push_back(f.first);
  std::string h;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i == max_charts) {
      h += "<p class=\"note\">further fields are in the table only</p>\n";
      break;
    }
    std::vector<BarItem> items;
    for (const StatsRegion& r : regions)
      for (const auto& [k, v] : r.*list)
        if (k == fields[i]) items.push_back({r.name, v, kColors[i % 6], ""});
    h += "<h3>" + html_escape(fields[i] + suffix) + "</h3>\n" + chart_or_note(items);
  }
  return h;
}

std::string regions_section(const json& s) {
  const std::vector<StatsRegion> regions = stats_regions(s);
  if (regions.empty()) return "";
  bool per_iteration = false, latency = false;
  for (const StatsRegion& r : regions) {
    per_iteration |= !r.per_iteration.empty();
    latency |= !r.latency.empty();
  }
  std::string h = "<h2 id=\"regions\">Benchmark regions</h2>\n";
  if (per_iteration) {
    h += "<p class=\"sub\">what the simulator accounted between the guest's region markers, per iteration "
         "(docs/reports.md)</p>\n";
    h += region_table(regions, &StatsRegion::per_iteration, " / iter");
    if (latency) h += "<h3>latency</h3>\n" + region_table(regions, &StatsRegion::latency, "");
    h += region_charts(regions, &StatsRegion::per_iteration, " per iteration", 8);
    if (latency) {
      std::vector<BarItem> items;
      for (const StatsRegion& r : regions)
        for (const auto& [k, v] : r.latency)
          if (k == "mean_ns") items.push_back({r.name, v, "#e15759", format_number(v) + " ns"});
      if (!items.empty()) h += "<h3>mean latency (ns)</h3>\n" + chart_or_note(items);
    }
    h += "<details><summary>every field of every region</summary>" + region_table(regions, &StatsRegion::fields, "") +
         "</details>\n";
  } else {
    h += region_table(regions, &StatsRegion::fields, "");
    h += region_charts(regions, &StatsRegion::fields, "", 8);
  }
  std::string hists;
  for (const StatsRegion& r : regions) {
    if (r.histogram.empty()) continue;
    std::vector<HistogramBucket> buckets;
    for (auto it = r.histogram.begin(); it != r.histogram.end(); ++it) {
      auto next = std::next(it);
      buckets.push_back(
          {it->first, next != r.histogram.end() ? next->first : hyp::cost_bucket_upper(it->first), it->second});
    }
    hists += "<div class=\"hist\"><h3>" + html_escape(r.name) + "</h3>\n" +
             svg_histogram(buckets, "#4e79a7", "latency") + "</div>\n";
  }
  if (!hists.empty()) h += "<h3>latency histograms</h3>\n<div class=\"hists\">\n" + hists + "</div>\n";
  return h;
}

std::string config_section(const json& s) {
  std::string h;
  if (s.contains("config")) {
    h += "<h2>Configuration</h2>\n<details><summary>effective configuration (reproduce with "
         "<code>rvh-vp --config THIS_STATS.json</code>)</summary><pre>" +
         html_escape(s["config"].dump(2)) + "</pre></details>\n";
  }
  if (s.contains("hypervisor") && s["hypervisor"].is_object() && s["hypervisor"].contains("costs"))
    h += "<details><summary>hypervisor cost model</summary><pre>" + html_escape(s["hypervisor"]["costs"].dump(2)) +
         "</pre></details>\n";
  if (s.contains("inputs"))
    h += "<details><summary>inputs</summary><pre>" + html_escape(s["inputs"].dump(2)) + "</pre></details>\n";
  if (s.contains("versions"))
    h += "<details><summary>software versions</summary><pre>" + html_escape(s["versions"].dump(2)) +
         "</pre></details>\n";
  return h;
}

}  // namespace

std::string render_report_html(const json& s) {
  std::string command;
  if (s.contains("command_line") && s["command_line"].is_array())
    for (const json& a : s["command_line"])
      command += (command.empty() ? "" : " ") + (a.is_string() ? a.get<std::string>() : a.dump());
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>rvh-vp report</title>\n<style>" +
      std::string(kStyle) + "</style></head>\n<body><main>\n";
  h += "<h1>rvh-vp run report</h1>\n";
  if (!command.empty()) h += "<p class=\"sub\"><code>" + html_escape(command) + "</code></p>\n";
  h += run_section(s);
  h += modes_section(s);
  if (s.contains("hypervisor")) h += hypervisor_sections(s["hypervisor"]);
  h += regions_section(s);
  h += config_section(s);
  h += "</main>\n<script>" + std::string(kPlotCheckScript) + "</script>\n</body></html>\n";
  return h;
}

void write_report_html(const json& stats, OutputFile& out) { out.write_all(render_report_html(stats)); }

int report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    out << "Usage: rvh-vp report STATS.json OUT.html\n"
           "Writes the HTML report of a --stats file (the page --report writes; docs/reports.md).\n";
    return 0;
  }
  if (args.size() != 2) {
    err << "rvh-vp report: expected a --stats file and an output file, e.g. rvh-vp report stats.json report.html\n";
    return 2;
  }
  try {
    const json stats = load_stats_file(args[0]);
    OutputFile out = OutputFile::open("", args[1]);
    write_report_html(stats, out);
  } catch (const std::exception& e) {
    err << "rvh-vp report: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace rvh
