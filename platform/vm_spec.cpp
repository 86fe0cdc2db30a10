// platform/vm_spec.cpp: see vm_spec.h.
#include "platform/vm_spec.h"

#include <cctype>
#include <set>

#include "platform/options.h"  // UsageError, parse_size

namespace rvh {

const char* const kVmSyntax =
    "kernel=PATH[,mem=SIZE][,smp=N][,console=SPEC][,config=FILE.json][,disk=PATH[,ro]]...[,rng=on][,append=ARGS]";

VmSpec::Disk parse_disk_spec(const std::string& text, const std::string& what) {
  VmSpec::Disk d;
  d.path = text;
  if (text.size() >= 3 && text.compare(text.size() - 3, 3, ",ro") == 0) {
    d.path = text.substr(0, text.size() - 3);
    d.read_only = true;
  }
  if (d.path.empty()) throw UsageError(what + ": empty path; use " + what.substr(0, what.find(' ')) + " PATH[,ro]");
  return d;
}

namespace {

const std::string kAppendKey = "append=";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// An item that continues a console= value: one of the serial spec's socket
// flags (platform/console_spec.cpp), which parse_serial_spec then checks.
bool is_console_flag(const std::string& item) {
  const std::string f = lower(item);
  const std::string key = f.substr(0, f.find('='));
  return f == "server" || f == "wait" || f == "nowait" || key == "server" || key == "wait";
}

class VmSpecParser {
 public:
  explicit VmSpecParser(const std::string& text) { spec_.text = text; }

  VmSpec parse() {
    const std::string& text = spec_.text;
    if (text.empty()) throw UsageError(std::string("--vm '': empty; use --vm ") + kVmSyntax);
    for (size_t pos = 0;;) {
      if (text.compare(pos, kAppendKey.size(), kAppendKey) == 0) {  // the rest, commas included
        spec_.append = text.substr(pos + kAppendKey.size());
        break;
      }
      const size_t comma = text.find(',', pos);
      item(text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    finish_console();
    if (seen_.count("kernel") == 0)
      throw fail(spec_.append ? "no kernel; put kernel=PATH before append= (append= takes the rest of the text)"
                              : "no kernel; add kernel=PATH (an ELF, or a raw image for 0x80200000)");
    return spec_;
  }

 private:
  UsageError fail(const std::string& what) const { return UsageError("--vm " + spec_.text + ": " + what); }

  void item(const std::string& it) {
    if (it == "ro" && last_was_disk_) {  // disk=PATH,ro
      spec_.disks.back().read_only = true;
      last_was_disk_ = false;
      return;
    }
    last_was_disk_ = false;
    if (is_console_flag(it)) {
      if (!console_text_) throw fail("'" + it + "' is a console flag; put it right after console=, e.g. "
                                     "console=unix:/tmp/vm0.sock,server,nowait");
      *console_text_ += "," + it;
      return;
    }
    finish_console();
    const size_t eq = it.find('=');
    if (eq == std::string::npos) {
      if (it.empty()) throw fail("empty item (two commas in a row, or one at the end); use " + std::string(kVmSyntax));
      throw fail("'" + it + "' is not KEY=VALUE; use " + std::string(kVmSyntax));
    }
    const std::string key = it.substr(0, eq);
    const std::string value = it.substr(eq + 1);
    if (key != "kernel" && key != "mem" && key != "smp" && key != "console" && key != "config" && key != "disk" &&
        key != "rng")
      throw fail("unknown key '" + key + "'; use kernel, mem, smp, console, config, disk, rng, or append (last)");
    if (key == "disk") {
      if (value.empty()) throw fail("empty disk; use disk=PATH[,ro] (a raw disk image)");
      if (spec_.disks.size() + spec_.rng >= kMaxVirtioDevices)
        throw fail("too many virtio devices; at most " + std::to_string(kMaxVirtioDevices) + " disks and rng per VM");
      spec_.disks.push_back({value, false});
      last_was_disk_ = true;
      return;
    }
    if (!seen_.insert(key).second) throw fail(key + "= given twice; give each key once");
    if (key == "rng") {
      const std::string v = lower(value);
      if (v != "on" && v != "off") throw fail("rng=" + value + ": use rng=on or rng=off");
      spec_.rng = v == "on";
      if (spec_.rng && spec_.disks.size() >= kMaxVirtioDevices)
        throw fail("too many virtio devices; at most " + std::to_string(kMaxVirtioDevices) + " disks and rng per VM");
      return;
    }
    if (key == "kernel") {
      if (value.empty()) throw fail("empty kernel; use kernel=PATH (an ELF, or a raw image for 0x80200000)");
      spec_.kernel = value;
    } else if (key == "mem") {
      spec_.memory = memory(value);
    } else if (key == "smp") {
      spec_.smp = vcpus(value);
    } else if (key == "console") {
      console_text_ = value;  // parsed once its flags are in
    } else {
      if (value.empty()) throw fail("empty config; use config=FILE.json (hyp.* keys for this VM)");
      spec_.config = value;
    }
  }

  uint64_t memory(const std::string& value) const {
    uint64_t bytes;
    try {
      bytes = parse_size(value);
    } catch (const UsageError&) {
      throw fail("bad size; use e.g. 128M, 1G");
    }
    if (bytes < kMinVmMemory) throw fail("mem=" + value + ": too small; use at least 2M");
    if (bytes > kMaxVmMemory) throw fail("mem=" + value + ": too large; at most 16G");
    if (bytes % 4096 != 0) throw fail("mem=" + value + ": not a multiple of 4K");
    return bytes;
  }

  unsigned vcpus(const std::string& value) const {
    const std::string range = "use 1.." + std::to_string(kMaxVcpusPerVm) + " vCPUs";
    if (value.empty() || value.size() > 9) throw fail("smp=" + value + ": bad number; " + range);
    unsigned n = 0;
    for (char c : value) {
      if (c < '0' || c > '9') throw fail("smp=" + value + ": bad number; " + range);
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    if (n < 1 || n > kMaxVcpusPerVm) throw fail("smp=" + value + ": out of range; " + range);
    return n;
  }

  void finish_console() {
    if (!console_text_) return;
    if (console_text_->empty()) throw fail(std::string("empty console; use console=") + kSerialSyntax);
    try {
      spec_.console = parse_serial_spec(*console_text_);
    } catch (const ConsoleSpecError& e) {
      throw fail(std::string("console=") + e.what());
    }
    console_text_.reset();
  }

  VmSpec spec_;
  std::set<std::string> seen_;
  std::optional<std::string> console_text_;  // console= value while its flags may follow
  bool last_was_disk_ = false;               // the previous item was disk= (`ro` may follow)
};

}  // namespace

VmSpec parse_vm_spec(const std::string& text) { return VmSpecParser(text).parse(); }

}  // namespace rvh
