// platform/bench_io.cpp: see bench_io.h.
#include "platform/bench_io.h"

#include <fstream>
#include <iomanip>
#include <sstream>

#include "platform/child_run.h"

namespace rvh {
namespace {

namespace fs = std::filesystem;

// 2 MiB per case: 512 requests of 4 KiB. The figures are per MiB of the
// transfer alone (the regions leave the set-up out), and the same with
// 4 MiB; the eight runs take under a second of host time.
constexpr uint64_t kTotalBytes = 2ull << 20;
constexpr unsigned kQueueDepth = 16;  // requests in flight (blk-mq's default depth is larger; 16 is plenty here)
constexpr double kMiB = static_cast<double>(1u << 20);
const unsigned kBlockSizes[] = {4096, 65536};
const char* const kOps[] = {"read", "write"};

struct Case {
  std::string op;
  unsigned block_size;
  bool event_idx;
  std::string key() const {
    return op + "_" + std::to_string(block_size / 1024) + "k_" + (event_idx ? "event_idx" : "no_event_idx");
  }
};

std::string fmt(double v, int prec) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(prec) << v;
  return s.str();
}

double num(const nlohmann::json& obj, const char* key) {
  return obj.is_object() && obj.contains(key) && obj[key].is_number() ? obj[key].get<double>() : 0.0;
}

// The region `name` of the run (one vCPU), or null.
const nlohmann::json* region(const nlohmann::json& hyp, const char* name) {
  if (!hyp.contains("regions")) return nullptr;
  for (const auto& r : hyp.at("regions"))
    if (r.value("name", std::string()) == name) return &r;
  return nullptr;
}

// The VM's first virtio device in --stats (a per-VM "virtio" list; with one
// VM the VM's statistics are the "hypervisor" object itself).
const nlohmann::json* virtio_device(const nlohmann::json& hyp) {
  const nlohmann::json* vm = &hyp;
  if (hyp.contains("vms") && !hyp["vms"].empty()) vm = &hyp["vms"][0];
  if (!vm->contains("virtio") || !(*vm)["virtio"].is_array() || (*vm)["virtio"].empty()) return nullptr;
  return &(*vm)["virtio"][0];
}

// One case's figures per MiB from its --stats and the guest's VBLK line;
// an empty string, or why the run cannot be used.
std::string case_result(const Case& c, const nlohmann::json& stats, const std::string& text, nlohmann::json& row) {
  const nlohmann::json& hyp = stats.at("hypervisor");
  const nlohmann::json* io = region(hyp, "io");
  const nlohmann::json* wait = region(hyp, "io_wait");
  const nlohmann::json* dev = virtio_device(hyp);
  if (!io) return "the guest marked no region 'io'";
  if (!dev) return "--stats has no virtio device for the VM";
  const auto lines = tagged_lines(text, "VBLK");
  if (lines.size() != 1) return "the guest printed no VBLK line";
  static const nlohmann::json kNone = nlohmann::json::object();
  const nlohmann::json& w = wait ? *wait : kNone;
  const double mib = static_cast<double>(kTotalBytes) / kMiB;
  // io: the guest's work and its exits but the WFIs; io_wait: each WFI
  // exit, the idle hart until the interrupt, and the way back in.
  const double exits = num(*io, "exits") + num(w, "exits");
  const double hyp_cycles = num(*io, "hyp_cycles") + num(w, "hyp_cycles");
  const double guest_cycles = num(*io, "cycles") - num(*io, "hyp_cycles");
  const double idle_cycles = num(w, "cycles") - num(w, "hyp_cycles");
  const double ns = num(*io, "ns") + num(w, "ns");
  const uint64_t driver_notifications = field_number(lines[0], "notifications");
  if (driver_notifications != static_cast<uint64_t>(num(*dev, "notifications")))
    return "the driver made " + std::to_string(driver_notifications) + " notifications, the device counted " +
           std::to_string(static_cast<uint64_t>(num(*dev, "notifications")));
  row = {{"name", c.key()},
         {"op", c.op},
         {"block_size", c.block_size},
         {"event_idx", c.event_idx},
         {"queue_depth", kQueueDepth},
         {"bytes", kTotalBytes},
         {"requests", num(*dev, "requests")},
         {"exits_per_mib", exits / mib},
         {"guest_cycles_per_mib", guest_cycles / mib},
         {"hyp_cycles_per_mib", hyp_cycles / mib},
         {"device_cycles_per_mib", num(*dev, "device_cycles") / mib},
         {"notifications_per_mib", num(*dev, "notifications") / mib},
         {"interrupts_per_mib", num(*dev, "interrupts") / mib},
         {"interrupts_taken_per_mib",
          (num(io->value("interrupts_injected", kNone), "VSEIP") + num(w.value("interrupts_injected", kNone), "VSEIP")) /
              mib},
         {"idle_cycles_per_mib", idle_cycles / mib},
         {"guest_instructions_per_mib", num(*io, "instructions") / mib},
         {"notifications_suppressed_per_mib", static_cast<double>(field_number(lines[0], "suppressed")) / mib},
         {"wfi_per_mib", static_cast<double>(field_number(lines[0], "wfis")) / mib},
         {"sim_mib_per_s", ns > 0 ? mib / (ns / 1e9) : 0.0}};
  return "";
}

void print_table(const nlohmann::json& rows, std::ostream& out) {
  out << "\nI/O cost: sequential reads and writes of " << kTotalBytes / (1u << 20) << " MiB by a bare-metal virtio-blk "
      << "driver (g_virtio_blk,\n" << kQueueDepth << " requests in flight), with VIRTIO_F_EVENT_IDX offered and not "
      << "(hyp.virtio_event_idx). Per MiB\nmoved: VM exits; cycles of the guest's own work, of the hypervisor and of "
      << "the device (the\nVMM's I/O thread: hyp.virtio_request + hyp.virtio_per_kib per request); queue notifications;"
      << "\ninterrupts the device raised and those the guest took (VSEIP injected; one covers several\n"
      << "completions). MiB/s in simulated time\n\n";
  out << std::left << std::setw(7) << "op" << std::setw(7) << "block" << std::setw(10) << "EVENT_IDX" << std::right
      << std::setw(10) << "exits" << std::setw(12) << "guest cyc" << std::setw(12) << "hyp cyc" << std::setw(12)
      << "device cyc" << std::setw(9) << "notify" << std::setw(9) << "irq" << std::setw(9) << "taken" << std::setw(8)
      << "MiB/s" << "\n";
  for (const auto& r : rows)
    out << std::left << std::setw(7) << r["op"].get<std::string>() << std::setw(7)
        << (std::to_string(r["block_size"].get<unsigned>() / 1024) + "K") << std::setw(10)
        << (r["event_idx"].get<bool>() ? "on" : "off") << std::right << std::setw(10)
        << fmt(r["exits_per_mib"].get<double>(), 1) << std::setw(12) << fmt(r["guest_cycles_per_mib"].get<double>(), 0)
        << std::setw(12) << fmt(r["hyp_cycles_per_mib"].get<double>(), 0) << std::setw(12)
        << fmt(r["device_cycles_per_mib"].get<double>(), 0) << std::setw(9)
        << fmt(r["notifications_per_mib"].get<double>(), 1) << std::setw(9)
        << fmt(r["interrupts_per_mib"].get<double>(), 1) << std::setw(9)
        << fmt(r["interrupts_taken_per_mib"].get<double>(), 1) << std::setw(8) << fmt(r["sim_mib_per_s"].get<double>(), 1)
        << "\n";
}

}  // namespace

int bench_io(const IoBenchSetup& setup, std::ostream& out, std::ostream& err, nlohmann::json& result) {
  const std::string elf = setup.sw_dir + "/g_virtio_blk.elf";
  if (!fs::exists(elf)) {
    err << "rvh-vp bench: " << elf << " not found; build sw/ (cmake --build build) or give --sw-dir DIR"
        << " (or skip this part with --no-io)\n";
    return 1;
  }
  // A sparse image the size of one case: reads return its zeros (the guest
  // does not compare them, check=0), writes fill it.
  const fs::path image = setup.dir / "io_disk.img";
  {
    std::ofstream f(image, std::ios::binary | std::ios::trunc);
    if (!f) {
      err << "rvh-vp bench: cannot create the disk image " << image.string() << "\n";
      return 1;
    }
  }
  std::error_code ec;
  fs::resize_file(image, kTotalBytes, ec);
  if (ec) {
    err << "rvh-vp bench: cannot size the disk image " << image.string() << ": " << ec.message() << "\n";
    return 1;
  }

  nlohmann::json rows = nlohmann::json::array();
  for (const bool event_idx : {true, false})
    for (const char* op : kOps)
      for (const unsigned bs : kBlockSizes) {
        const Case c{op, bs, event_idx};
        const fs::path base = setup.dir / ("io_" + c.key());
        const std::string out_file = base.string() + ".out", err_file = base.string() + ".err",
                          stats_file = base.string() + ".json";
        std::vector<std::string> argv = {setup.exe, "--hyp", "--no-stdin", "--stats", stats_file};
        argv.insert(argv.end(), setup.run_args.begin(), setup.run_args.end());
        argv.insert(argv.end(),
                    {"--set", std::string("hyp.virtio_event_idx=") + (event_idx ? "1" : "0"), "--kernel", elf, "--disk",
                     image.string(), "--append",
                     "op=" + c.op + " bs=" + std::to_string(bs) + " total=" + std::to_string(kTotalBytes) +
                         " qd=" + std::to_string(kQueueDepth) + " check=0"});
        const int status = spawn_child(argv, out_file, err_file, setup.timeout_s);
        if (status != 0) {
          err << "rvh-vp bench: I/O run '" << c.key() << "' "
              << (status == -2 ? "timed out" : "failed (exit " + std::to_string(status) + ")") << "; its output is in "
              << out_file << " and " << err_file << ":\n"
              << slurp_file(err_file).substr(0, 2000);
          return 1;
        }
        nlohmann::json stats, row;
        std::string why;
        try {
          stats = nlohmann::json::parse(slurp_file(stats_file));
          why = case_result(c, stats, slurp_file(out_file), row);
        } catch (const std::exception& e) {
          why = e.what();
        }
        if (!why.empty()) {
          err << "rvh-vp bench: I/O run '" << c.key() << "': " << why << "; see " << out_file << " and " << stats_file
              << "\n";
          return 1;
        }
        rows.push_back(row);
      }
  result = {{"bytes_per_case", kTotalBytes}, {"queue_depth", kQueueDepth}, {"cases", rows}};
  print_table(rows, out);
  return 0;
}

}  // namespace rvh
