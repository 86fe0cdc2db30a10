// platform/device_tree.cpp: generates the DTB from a PlatformConfig with
// libfdt's sequential-write API. Node names, compatibles and interrupt wiring
// follow QEMU virt (what Debian's OpenSBI generic platform, U-Boot and Linux
// look for); only the devices this platform models are described.
#include "platform/device_tree.h"

#include "platform/hex_string.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>

#include <libfdt.h>

#include "platform/file_io.h"

namespace rvh {
namespace {

// Interrupt numbers (mcause codes) on a hart's local interrupt controller.
constexpr uint32_t kIrqMSoft = 3;
constexpr uint32_t kIrqMTimer = 7;
constexpr uint32_t kIrqSExt = 9;
constexpr uint32_t kIrqMExt = 11;

// QEMU virt's UART input clock (1.8432 MHz * 2).
constexpr uint32_t kUartClockHz = 3686400;
// Values written to the test device by syscon-poweroff / syscon-reboot.
constexpr uint32_t kFinisherPass = 0x5555;
constexpr uint32_t kFinisherReset = 0x7777;

struct NoSpace {};  // the buffer was too small; retry with a bigger one

std::string hex(uint64_t v) { return hex_string(v); }

// Thin RAII-free wrapper over the sequential-write calls: every call is
// checked, and FDT_ERR_NOSPACE is turned into NoSpace for the retry loop.
class Writer {
 public:
  explicit Writer(std::vector<uint8_t>& buf) : fdt_(buf.data()) {
    check(fdt_create(fdt_, static_cast<int>(buf.size())), "fdt_create");
    check(fdt_finish_reservemap(fdt_), "fdt_finish_reservemap");
  }

  void begin(const std::string& name) { check(fdt_begin_node(fdt_, name.c_str()), name.c_str()); }
  void end() { check(fdt_end_node(fdt_), "fdt_end_node"); }
  void finish() { check(fdt_finish(fdt_), "fdt_finish"); }

  void empty(const char* name) { check(fdt_property(fdt_, name, nullptr, 0), name); }
  void u32(const char* name, uint32_t v) { check(fdt_property_u32(fdt_, name, v), name); }
  void u64(const char* name, uint64_t v) { check(fdt_property_u64(fdt_, name, v), name); }
  void string(const char* name, const std::string& s) {
    check(fdt_property(fdt_, name, s.c_str(), static_cast<int>(s.size() + 1)), name);
  }
  // A string list ("a\0b\0c\0"), as used by compatible.
  void strings(const char* name, std::initializer_list<const char*> list) {
    std::string joined;
    for (const char* s : list) {
      joined += s;
      joined += '\0';
    }
    check(fdt_property(fdt_, name, joined.data(), static_cast<int>(joined.size())), name);
  }
  void strings(const char* name, const std::vector<std::string>& list) {
    std::string joined;
    for (const std::string& s : list) {
      joined += s;
      joined += '\0';
    }
    check(fdt_property(fdt_, name, joined.data(), static_cast<int>(joined.size())), name);
  }
  void cells(const char* name, const std::vector<uint32_t>& values) {
    std::vector<fdt32_t> be;
    be.reserve(values.size());
    for (uint32_t v : values) be.push_back(cpu_to_fdt32(v));
    check(fdt_property(fdt_, name, be.data(), static_cast<int>(be.size() * sizeof(fdt32_t))), name);
  }
  // reg = <base size> with #address-cells = #size-cells = 2.
  void reg64(uint64_t base, uint64_t size) {
    cells("reg", {static_cast<uint32_t>(base >> 32), static_cast<uint32_t>(base),
                  static_cast<uint32_t>(size >> 32), static_cast<uint32_t>(size)});
  }

 private:
  void check(int err, const char* what) {
    if (err == -FDT_ERR_NOSPACE) throw NoSpace{};
    if (err < 0)
      throw DeviceTreeError(std::string("device tree: libfdt failed at '") + what +
                            "': " + fdt_strerror(err));
  }
  void* fdt_;
};

std::string unit(const char* name, uint64_t addr) {
  char s[64];
  std::snprintf(s, sizeof s, "%s@%llx", name, static_cast<unsigned long long>(addr));
  return s;
}

void write_cpus(Writer& w, const PlatformConfig& c) {
  w.begin("cpus");
  w.u32("#address-cells", 1);
  w.u32("#size-cells", 0);
  w.u32("timebase-frequency", static_cast<uint32_t>(c.timebase_hz));
  for (unsigned h = 0; h < c.num_harts; ++h) {
    w.begin(unit("cpu", h));
    w.u32("phandle", DeviceTreePhandles::cpu(h));
    w.string("device_type", "cpu");
    w.u32("reg", h);
    w.string("status", "okay");
    w.string("compatible", "riscv");
    w.string("riscv,isa", c.isa);
    if (!c.mmu_type.empty()) w.string("mmu-type", c.mmu_type);
    if (c.hart_clock_hz > 0xffffffffu)
      w.u64("clock-frequency", c.hart_clock_hz);  // the binding allows <u64>
    else if (c.hart_clock_hz != 0)
      w.u32("clock-frequency", static_cast<uint32_t>(c.hart_clock_hz));
    w.begin("interrupt-controller");
    w.u32("#interrupt-cells", 1);
    w.empty("interrupt-controller");
    w.string("compatible", "riscv,cpu-intc");
    w.u32("phandle", DeviceTreePhandles::cpu_intc(h));
    w.end();
    w.end();
  }
  // One cluster holding every hart, as QEMU virt does for a single socket.
  w.begin("cpu-map");
  w.begin("cluster0");
  for (unsigned h = 0; h < c.num_harts; ++h) {
    w.begin("core" + std::to_string(h));
    w.u32("cpu", DeviceTreePhandles::cpu(h));
    w.end();
  }
  w.end();
  w.end();
  w.end();
}

// interrupts-extended = <intc(0) a intc(0) b intc(1) a intc(1) b ...>
std::vector<uint32_t> per_hart_irqs(unsigned num_harts, uint32_t first, uint32_t second) {
  std::vector<uint32_t> cells;
  for (unsigned h = 0; h < num_harts; ++h) {
    cells.insert(cells.end(), {DeviceTreePhandles::cpu_intc(h), first,
                               DeviceTreePhandles::cpu_intc(h), second});
  }
  return cells;
}

void write_soc(Writer& w, const PlatformConfig& c) {
  namespace mm = memmap;
  const uint32_t plic = DeviceTreePhandles::plic(c.num_harts);
  const uint32_t test = DeviceTreePhandles::test(c.num_harts);

  w.begin("soc");
  w.u32("#address-cells", 2);
  w.u32("#size-cells", 2);
  w.string("compatible", "simple-bus");
  w.empty("ranges");

  if (c.machine_devices) {
    w.begin(unit("test", mm::kFinisherBase));
    w.u32("phandle", test);
    w.reg64(mm::kFinisherBase, mm::kFinisherSize);
    w.strings("compatible", {"sifive,test1", "sifive,test0", "syscon"});
    w.end();
  }

  w.begin(unit("serial", mm::kUart0Base));
  w.reg64(mm::kUart0Base, mm::kUart0Size);
  w.string("compatible", "ns16550a");
  w.u32("clock-frequency", kUartClockHz);
  w.u32("interrupt-parent", plic);
  w.u32("interrupts", mm::kUart0Irq);
  w.end();

  // Context 2N is hart N's M-mode external interrupt, 2N+1 its S-mode one.
  w.begin(unit("plic", mm::kPlicBase));
  w.u32("phandle", plic);
  w.reg64(mm::kPlicBase, mm::kPlicSize);
  w.strings("compatible", {"sifive,plic-1.0.0", "riscv,plic0"});
  w.u32("riscv,ndev", mm::kPlicNumSources);
  w.u32("#address-cells", 0);
  w.u32("#interrupt-cells", 1);
  w.empty("interrupt-controller");
  w.cells("interrupts-extended", per_hart_irqs(c.num_harts, kIrqMExt, kIrqSExt));
  w.end();

  if (c.machine_devices) {
    w.begin(unit("clint", mm::kClintBase));
    w.reg64(mm::kClintBase, mm::kClintSize);
    w.strings("compatible", {"sifive,clint0", "riscv,clint0"});
    w.cells("interrupts-extended", per_hart_irqs(c.num_harts, kIrqMSoft, kIrqMTimer));
    w.end();
  }

  // Devices attached by a library user (Soc::attach_device).
  for (const UserDevice& d : c.user_devices) {
    if (d.compatible.empty()) continue;
    w.begin(unit(d.name.c_str(), d.base));
    w.reg64(d.base, d.size);
    w.strings("compatible", d.compatible);
    if (d.plic_source != 0) {
      w.u32("interrupt-parent", plic);
      w.u32("interrupts", d.plic_source);
    }
    w.end();
  }

  w.end();  // soc
}

void build_into(Writer& w, const PlatformConfig& c) {
  w.begin("");  // root
  w.u32("#address-cells", 2);
  w.u32("#size-cells", 2);
  w.string("compatible", "riscv-virtio");
  w.string("model", "riscv-virtio,rvh-vp");  // never "qemu": sw tests detect QEMU by that string

  w.begin("chosen");
  if (!c.bootargs.empty()) w.string("bootargs", c.bootargs);
  if (!c.stdout_path.empty()) w.string("stdout-path", c.stdout_path);
  if (c.initrd_end > c.initrd_start) {
    w.u64("linux,initrd-start", c.initrd_start);
    w.u64("linux,initrd-end", c.initrd_end);
  }
  w.end();

  w.begin("aliases");
  w.string("serial0", unit("/soc/serial", memmap::kUart0Base));
  w.end();

  w.begin(unit("memory", memmap::kRamBase));
  w.string("device_type", "memory");
  w.reg64(memmap::kRamBase, c.ram_size);
  w.end();

  write_cpus(w, c);
  write_soc(w, c);

  if (!c.machine_devices) {
    w.end();  // root
    w.finish();
    return;
  }
  // SBI system reset (OpenSBI) and Linux poweroff/reboot through the test device.
  const uint32_t test = DeviceTreePhandles::test(c.num_harts);
  w.begin("poweroff");
  w.string("compatible", "syscon-poweroff");
  w.u32("regmap", test);
  w.u32("offset", 0);
  w.u32("value", kFinisherPass);
  w.end();
  w.begin("reboot");
  w.string("compatible", "syscon-reboot");
  w.u32("regmap", test);
  w.u32("offset", 0);
  w.u32("value", kFinisherReset);
  w.end();

  w.end();  // root
  w.finish();
}

void validate(const PlatformConfig& c) {
  if (c.num_harts == 0) throw DeviceTreeError("device tree: num_harts is 0; need at least one hart");
  if (c.ram_size == 0) throw DeviceTreeError("device tree: ram_size is 0; need some RAM");
  if (c.ram_size > ~0ull - memmap::kRamBase + 1)
    throw DeviceTreeError("device tree: ram_size " + hex(c.ram_size) + " does not fit above " +
                          hex(memmap::kRamBase));
  if (c.timebase_hz == 0 || c.timebase_hz > 0xffffffffu)
    throw DeviceTreeError("device tree: timebase_hz " + std::to_string(c.timebase_hz) +
                          " must be in 1..4294967295");
  if (c.isa.rfind("rv64", 0) != 0)
    throw DeviceTreeError("device tree: isa '" + c.isa + "' must start with rv64");
  if (c.initrd_end < c.initrd_start)
    throw DeviceTreeError("device tree: initrd end " + hex(c.initrd_end) + " is below its start " +
                          hex(c.initrd_start));
  for (const UserDevice& d : c.user_devices) check_user_device(d);
}

}  // namespace

void check_user_device(const UserDevice& d) {
  const std::string what = "device '" + d.name + "': ";
  // Devicetree spec 0.4, 2.2.1: 1 to 31 characters of [0-9a-zA-Z,._+-],
  // starting with a letter.
  const bool name_ok = !d.name.empty() && d.name.size() <= 31 && std::isalpha(static_cast<unsigned char>(d.name[0])) &&
                       std::all_of(d.name.begin(), d.name.end(), [](char ch) {
                         return std::isalnum(static_cast<unsigned char>(ch)) || (ch != '\0' && std::strchr(",._+-", ch));
                       });
  if (!name_ok)
    throw DeviceTreeError(what + "the name must be 1 to 31 characters of [0-9a-zA-Z,._+-] starting with a letter");
  if (d.size == 0) throw DeviceTreeError(what + "size is 0");
  if (d.base + d.size - 1 < d.base) throw DeviceTreeError(what + "region wraps around 2^64");
  if (d.plic_source > memmap::kPlicNumSources)
    throw DeviceTreeError(what + "PLIC source " + std::to_string(d.plic_source) + " is not in 1.." +
                          std::to_string(memmap::kPlicNumSources));
  if (d.plic_source == memmap::kUart0Irq)
    throw DeviceTreeError(what + "PLIC source " + std::to_string(d.plic_source) + " is UART0's");
  for (const std::string& c : d.compatible)
    if (c.empty()) throw DeviceTreeError(what + "empty compatible string");
}

std::vector<uint8_t> build_device_tree(const PlatformConfig& config) {
  validate(config);
  for (size_t size = 16 * 1024; size <= (64u << 20); size *= 2) {
    std::vector<uint8_t> buf(size);
    try {
      Writer w(buf);
      build_into(w, config);
    } catch (const NoSpace&) {
      continue;
    }
    int err = fdt_pack(buf.data());
    if (err < 0) throw DeviceTreeError(std::string("device tree: fdt_pack: ") + fdt_strerror(err));
    buf.resize(fdt_totalsize(buf.data()));
    return buf;
  }
  throw DeviceTreeError("device tree: larger than 64 MiB (is bootargs huge?)");
}

void write_file(const std::string& path, const std::vector<uint8_t>& data) {
  OutputFile::open("", path).write_all(data.data(), data.size());
}

std::vector<uint8_t> read_dtb_file(const std::string& path) {
  std::vector<uint8_t> data;
  std::string error;
  if (!read_whole_file(path, data, error))
    throw DeviceTreeError(path + ": cannot read device tree: " + error);
  if (data.size() < sizeof(struct fdt_header))
    throw DeviceTreeError(path + ": not a device tree blob (" + std::to_string(data.size()) +
                          " bytes, shorter than an FDT header)");
  int err = fdt_check_header(data.data());
  if (err != 0)
    throw DeviceTreeError(path + ": not a valid device tree blob (" + fdt_strerror(err) + ")");
  if (fdt_totalsize(data.data()) > data.size())
    throw DeviceTreeError(path + ": truncated device tree blob (header says " +
                          std::to_string(fdt_totalsize(data.data())) + " bytes, file has " +
                          std::to_string(data.size()) + ")");
  data.resize(fdt_totalsize(data.data()));
  return data;
}

}  // namespace rvh
