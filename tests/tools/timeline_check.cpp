// tests/tools/timeline_check.cpp: checks a --timeline file against the
// --stats file of the same run, as a trace viewer would need it:
//
//   timeline_check TIMELINE.json STATS.json
//
// - the file is JSON with a "traceEvents" array and "displayTimeUnit";
// - every hart of the stats has a named thread in process "harts", and with
//   a hypervisor every vCPU one in its VM's process: "vcpuN" in
//   "vm (hosted hypervisor)" with one VM, "vmK vcpuN" in
//   "vmK (hosted hypervisor)" with several (stats "hypervisor.vms");
// - complete events ("X") have numeric ts and dur >= 0, and on each track
//   (pid, tid) they come in time order and never overlap;
// - the number of exit slices (cat "exit") equals the stats' exit count,
//   in total and per VM, unless the timeline says it was truncated; each
//   carries args.cycles;
// - at no time do more vCPUs run (a "guest" or exit slice) than there are
//   harts;
// - without a hypervisor there are no exit slices.
// Prints what it counted; exits 0 if all holds, 1 naming the first failure.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

int fail(const std::string& what) {
  std::cerr << "timeline_check: FAIL: " << what << "\n";
  return 1;
}

bool load(const char* path, nlohmann::json& j) {
  std::ifstream f(path);
  if (!f) return false;
  try {
    j = nlohmann::json::parse(f);
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "timeline_check: " << path << ": " << e.what() << "\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: timeline_check TIMELINE.json STATS.json\n";
    return 2;
  }
  nlohmann::json t, s;
  if (!load(argv[1], t)) return fail(std::string(argv[1]) + " is not readable JSON");
  if (!load(argv[2], s)) return fail(std::string(argv[2]) + " is not readable JSON");
  if (!t.is_object() || !t.contains("traceEvents") || !t["traceEvents"].is_array()) return fail("no traceEvents array");
  if (t.value("displayTimeUnit", "") != "ns") return fail("displayTimeUnit is not \"ns\"");

  // Process and thread names.
  std::map<int, std::string> processes;
  std::map<std::pair<int, int>, std::string> threads;
  for (const auto& e : t["traceEvents"]) {
    if (e.value("ph", "") != "M") continue;
    const std::string name = e.value("name", "");
    const std::string value = e.contains("args") ? e["args"].value("name", "") : "";
    if (name == "process_name") processes[e.value("pid", -1)] = value;
    if (name == "thread_name") threads[{e.value("pid", -1), e.value("tid", -1)}] = value;
  }
  int harts_pid = -1;
  std::set<int> vm_pids;
  for (const auto& [pid, name] : processes) {
    if (name == "harts") harts_pid = pid;
    if (name.rfind("vm", 0) == 0) vm_pids.insert(pid);
  }
  if (harts_pid < 0) return fail("no process named \"harts\"");
  const bool hyp = s.contains("hypervisor");
  for (const auto& h : s["harts"]) {
    const int id = h.value("id", -1);
    if (threads[{harts_pid, id}] != "hart" + std::to_string(id)) return fail("no track for hart" + std::to_string(id));
  }
  // Each VM of the stats: its process and the exits it should have.
  struct VmExpect {
    std::string name;  // "" with one VM
    int pid = -1;
    uint64_t exits = 0, exit_slices = 0;
  };
  std::vector<VmExpect> vms;
  if (hyp) {
    const auto& h = s["hypervisor"];
    std::vector<std::pair<std::string, const nlohmann::json*>> each;  // name, the VM's stats
    if (h.contains("vms") && h["vms"].is_array() && h["vms"].size() > 1) {
      for (const auto& v : h["vms"]) each.push_back({v.value("name", std::string("?")), &v});
    } else {
      each.push_back({"", &h});
    }
    for (const auto& [name, v] : each) {
      VmExpect e;
      e.name = name;
      const std::string process = (name.empty() ? std::string("vm") : name) + " (hosted hypervisor)";
      for (const auto& [pid, pname] : processes)
        if (pname == process) e.pid = pid;
      if (e.pid < 0) return fail("no process named \"" + process + "\"");
      e.exits = (*v)["vm"].value("exits", uint64_t{0});
      for (const auto& c : (*v)["vcpus"]) {
        const int id = c.value("id", -1);
        const std::string want = (name.empty() ? "" : name + " ") + "vcpu" + std::to_string(id);
        if (threads[{e.pid, id}] != want) return fail("no track for " + want);
      }
      vms.push_back(e);
    }
  } else if (!vm_pids.empty()) {
    return fail("a vm process without a hypervisor");
  }

  // Slices: ordered and non-overlapping per track. Timestamps have six
  // decimals of microseconds (picoseconds); allow for double rounding.
  const double eps = 1e-7;
  std::map<std::pair<int, int>, double> track_end;
  std::map<std::pair<int, int>, unsigned> per_track;
  uint64_t exits = 0, slices = 0, waiting = 0;
  std::vector<std::pair<double, int>> running;  // +1 at a vCPU slice's start, -1 at its end
  for (const auto& e : t["traceEvents"]) {
    if (e.value("ph", "") != "X") continue;
    if (!e.contains("ts") || !e["ts"].is_number() || !e.contains("dur") || !e["dur"].is_number())
      return fail("a slice without numeric ts/dur: " + e.dump());
    const double ts = e["ts"].get<double>(), dur = e["dur"].get<double>();
    if (dur < 0) return fail("negative duration: " + e.dump());
    const std::pair<int, int> track{e.value("pid", -1), e.value("tid", -1)};
    if (!threads.count(track)) return fail("a slice on an unnamed track: " + e.dump());
    auto it = track_end.find(track);
    if (it != track_end.end() && ts + eps < it->second)
      return fail("slice starts before the previous one on its track ended: " + e.dump());
    track_end[track] = ts + dur;
    ++per_track[track];
    ++slices;
    const std::string cat = e.value("cat", "");
    if (cat == "waiting") ++waiting;
    if ((cat == "exit" || cat == "guest") && dur > 2 * eps) {
      running.push_back({ts + eps, +1});
      running.push_back({ts + dur - eps, -1});
    }
    if (cat == "exit") {
      ++exits;
      if (!e.contains("args") || !e["args"].contains("cycles") || !e["args"]["cycles"].is_number())
        return fail("an exit slice without args.cycles: " + e.dump());
      auto vm = std::find_if(vms.begin(), vms.end(), [&](const VmExpect& v) { return v.pid == track.first; });
      if (vm == vms.end()) return fail("an exit slice outside the vm processes: " + e.dump());
      ++vm->exit_slices;
    }
  }
  const bool truncated = t.contains("otherData") && t["otherData"].value("truncated", false);
  const uint64_t expected = hyp ? s["hypervisor"]["vm"].value("exits", uint64_t{0}) : 0;
  std::cout << "timeline_check: " << slices << " slices on " << per_track.size() << " tracks, " << exits
            << " exit slices, stats say " << expected << " exits" << (truncated ? " (timeline truncated)" : "")
            << ", " << vms.size() << " VM" << (vms.size() == 1 ? "" : "s") << ", " << waiting
            << " slices waiting for a hart\n";
  if (!truncated && exits != expected) return fail("exit slices do not match the stats' exit count");
  for (const VmExpect& v : vms)
    if (!truncated && v.exit_slices != v.exits)
      return fail("exit slices of " + (v.name.empty() ? std::string("the vm") : v.name) + " (" +
                  std::to_string(v.exit_slices) + ") do not match its stats (" + std::to_string(v.exits) + ")");
  // Ends sort before starts at the same instant.
  std::sort(running.begin(), running.end());
  int now_running = 0, most = 0;
  for (const auto& [at, step] : running) most = std::max(most, now_running += step);
  const int harts = s.contains("harts") && s["harts"].is_array() ? static_cast<int>(s["harts"].size()) : 0;
  if (harts > 0 && most > harts)
    return fail(std::to_string(most) + " vCPUs run at once on " + std::to_string(harts) + " harts");
  for (const auto& [track, name] : threads)
    if (!per_track.count(track)) return fail("track " + name + " has no slices");
  std::cout << "timeline_check: ok\n";
  return 0;
}
