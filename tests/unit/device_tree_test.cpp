// Tests for platform/device_tree: the generated DTB checked node by node with
// libfdt, and (if dtc is installed) decompiled by dtc.
#include "platform/device_tree.h"

#include <gtest/gtest.h>

#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main
#include <libfdt.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace rvh {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "rvh_dt_" + std::to_string(::getpid()) + "_" + name;
}

// The blob and small typed accessors over libfdt.
class Tree {
 public:
  explicit Tree(std::vector<uint8_t> blob) : blob_(std::move(blob)) {}
  const void* fdt() const { return blob_.data(); }

  int node(const std::string& path) const { return fdt_path_offset(fdt(), path.c_str()); }
  bool has(const std::string& path) const { return node(path) >= 0; }

  std::vector<uint32_t> cells(const std::string& path, const char* prop) const {
    int len = 0;
    auto* p = static_cast<const fdt32_t*>(fdt_getprop(fdt(), node(path), prop, &len));
    std::vector<uint32_t> out;
    if (!p) return out;
    for (int i = 0; i < len / 4; ++i) out.push_back(fdt32_to_cpu(p[i]));
    return out;
  }
  uint32_t u32(const std::string& path, const char* prop) const {
    auto c = cells(path, prop);
    EXPECT_EQ(c.size(), 1u) << path << " " << prop;
    return c.empty() ? 0 : c[0];
  }
  // The property as a string (string lists joined with '|').
  std::string str(const std::string& path, const char* prop) const {
    int len = 0;
    auto* p = static_cast<const char*>(fdt_getprop(fdt(), node(path), prop, &len));
    if (!p || len <= 0) return "<missing>";
    std::string s(p, static_cast<size_t>(len - 1));
    for (char& c : s)
      if (c == '\0') c = '|';
    return s;
  }
  bool has_prop(const std::string& path, const char* prop) const {
    return fdt_getprop(fdt(), node(path), prop, nullptr) != nullptr;
  }
  uint32_t phandle(const std::string& path) const { return fdt_get_phandle(fdt(), node(path)); }
  std::vector<uint8_t> blob_;
};

std::vector<uint32_t> reg64(uint64_t base, uint64_t size) {
  return {uint32_t(base >> 32), uint32_t(base), uint32_t(size >> 32), uint32_t(size)};
}

PlatformConfig config(unsigned harts) {
  PlatformConfig c;
  c.num_harts = harts;
  return c;
}

TEST(DeviceTree, HeaderIsValidAndPacked) {
  auto blob = build_device_tree(config(1));
  ASSERT_GE(blob.size(), sizeof(fdt_header));
  EXPECT_EQ(fdt_check_header(blob.data()), 0);
  EXPECT_EQ(fdt_totalsize(blob.data()), blob.size());
  EXPECT_LT(blob.size(), 8192u);
}

TEST(DeviceTree, RootAndMemory) {
  PlatformConfig c = config(1);
  c.ram_size = 256ull << 20;
  Tree t(build_device_tree(c));
  EXPECT_EQ(t.u32("/", "#address-cells"), 2u);
  EXPECT_EQ(t.u32("/", "#size-cells"), 2u);
  EXPECT_EQ(t.str("/", "compatible"), "riscv-virtio");
  EXPECT_EQ(t.str("/", "model"), "riscv-virtio,rvh-vp");
  ASSERT_TRUE(t.has("/memory@80000000"));
  EXPECT_EQ(t.str("/memory@80000000", "device_type"), "memory");
  EXPECT_EQ(t.cells("/memory@80000000", "reg"), reg64(0x80000000, 256ull << 20));
}

TEST(DeviceTree, LargeMemoryUsesBothCells) {
  PlatformConfig c = config(1);
  c.ram_size = 8ull << 30;
  Tree t(build_device_tree(c));
  EXPECT_EQ(t.cells("/memory@80000000", "reg"), reg64(0x80000000, 8ull << 30));
}

TEST(DeviceTree, CpusOneHart) {
  PlatformConfig c = config(1);
  c.timebase_hz = 12345678;
  Tree t(build_device_tree(c));
  EXPECT_EQ(t.u32("/cpus", "timebase-frequency"), 12345678u);
  EXPECT_EQ(t.u32("/cpus", "#address-cells"), 1u);
  EXPECT_EQ(t.u32("/cpus", "#size-cells"), 0u);
  ASSERT_TRUE(t.has("/cpus/cpu@0"));
  EXPECT_FALSE(t.has("/cpus/cpu@1"));
  EXPECT_EQ(t.str("/cpus/cpu@0", "device_type"), "cpu");
  EXPECT_EQ(t.u32("/cpus/cpu@0", "reg"), 0u);
  EXPECT_EQ(t.str("/cpus/cpu@0", "status"), "okay");
  EXPECT_EQ(t.str("/cpus/cpu@0", "compatible"), "riscv");
  EXPECT_EQ(t.str("/cpus/cpu@0", "riscv,isa"), c.isa);
  EXPECT_EQ(t.str("/cpus/cpu@0", "mmu-type"), "riscv,sv48");
  const std::string intc = "/cpus/cpu@0/interrupt-controller";
  ASSERT_TRUE(t.has(intc));
  EXPECT_EQ(t.u32(intc, "#interrupt-cells"), 1u);
  EXPECT_TRUE(t.has_prop(intc, "interrupt-controller"));
  EXPECT_EQ(t.str(intc, "compatible"), "riscv,cpu-intc");
  EXPECT_EQ(t.phandle(intc), DeviceTreePhandles::cpu_intc(0));
  EXPECT_EQ(t.phandle("/cpus/cpu@0"), DeviceTreePhandles::cpu(0));
  EXPECT_EQ(t.u32("/cpus/cpu-map/cluster0/core0", "cpu"), DeviceTreePhandles::cpu(0));
}

TEST(DeviceTree, ConfigDrivesIsaAndMmu) {
  PlatformConfig c = config(1);
  c.isa = "rv64imac";
  c.mmu_type = "riscv,sv39";
  Tree t(build_device_tree(c));
  EXPECT_EQ(t.str("/cpus/cpu@0", "riscv,isa"), "rv64imac");
  EXPECT_EQ(t.str("/cpus/cpu@0", "mmu-type"), "riscv,sv39");
}

TEST(DeviceTree, FourHartsInterruptWiring) {
  const unsigned n = 4;
  Tree t(build_device_tree(config(n)));
  std::vector<uint32_t> plic_irqs, clint_irqs;
  for (unsigned h = 0; h < n; ++h) {
    const std::string cpu = "/cpus/cpu@" + std::to_string(h);
    ASSERT_TRUE(t.has(cpu)) << cpu;
    EXPECT_EQ(t.u32(cpu, "reg"), h);
    EXPECT_EQ(t.str(cpu, "status"), "okay");
    uint32_t intc = t.phandle(cpu + "/interrupt-controller");
    EXPECT_EQ(intc, DeviceTreePhandles::cpu_intc(h));
    // The phandle leads back to this hart's interrupt controller.
    int off = fdt_node_offset_by_phandle(t.fdt(), intc);
    ASSERT_GE(off, 0);
    EXPECT_EQ(fdt_parent_offset(t.fdt(), off), t.node(cpu));
    EXPECT_EQ(t.u32("/cpus/cpu-map/cluster0/core" + std::to_string(h), "cpu"), t.phandle(cpu));
    plic_irqs.insert(plic_irqs.end(), {intc, 11, intc, 9});
    clint_irqs.insert(clint_irqs.end(), {intc, 3, intc, 7});
  }
  EXPECT_FALSE(t.has("/cpus/cpu@4"));
  EXPECT_EQ(t.cells("/soc/plic@c000000", "interrupts-extended"), plic_irqs);
  EXPECT_EQ(t.cells("/soc/clint@2000000", "interrupts-extended"), clint_irqs);
}

TEST(DeviceTree, SocDevices) {
  Tree t(build_device_tree(config(2)));
  EXPECT_EQ(t.str("/soc", "compatible"), "simple-bus");
  EXPECT_TRUE(t.has_prop("/soc", "ranges"));
  EXPECT_EQ(t.u32("/soc", "#address-cells"), 2u);
  EXPECT_EQ(t.u32("/soc", "#size-cells"), 2u);

  const std::string clint = "/soc/clint@2000000";
  EXPECT_EQ(t.cells(clint, "reg"), reg64(0x2000000, 0x10000));
  EXPECT_EQ(t.str(clint, "compatible"), "sifive,clint0|riscv,clint0");

  const std::string plic = "/soc/plic@c000000";
  EXPECT_EQ(t.cells(plic, "reg"), reg64(0xc000000, 0x600000));
  EXPECT_EQ(t.str(plic, "compatible"), "sifive,plic-1.0.0|riscv,plic0");
  EXPECT_EQ(t.u32(plic, "riscv,ndev"), 95u);
  EXPECT_EQ(t.u32(plic, "#interrupt-cells"), 1u);
  EXPECT_EQ(t.u32(plic, "#address-cells"), 0u);
  EXPECT_TRUE(t.has_prop(plic, "interrupt-controller"));
  EXPECT_EQ(t.phandle(plic), DeviceTreePhandles::plic(2));

  const std::string uart = "/soc/serial@10000000";
  EXPECT_EQ(t.cells(uart, "reg"), reg64(0x10000000, 0x100));
  EXPECT_EQ(t.str(uart, "compatible"), "ns16550a");
  EXPECT_EQ(t.u32(uart, "clock-frequency"), 3686400u);
  EXPECT_EQ(t.u32(uart, "interrupts"), 10u);
  EXPECT_EQ(t.u32(uart, "interrupt-parent"), t.phandle(plic));

  const std::string test = "/soc/test@100000";
  EXPECT_EQ(t.cells(test, "reg"), reg64(0x100000, 0x1000));
  EXPECT_EQ(t.str(test, "compatible"), "sifive,test1|sifive,test0|syscon");
  EXPECT_EQ(t.phandle(test), DeviceTreePhandles::test(2));

  EXPECT_EQ(t.str("/poweroff", "compatible"), "syscon-poweroff");
  EXPECT_EQ(t.u32("/poweroff", "regmap"), t.phandle(test));
  EXPECT_EQ(t.u32("/poweroff", "offset"), 0u);
  EXPECT_EQ(t.u32("/poweroff", "value"), 0x5555u);
  EXPECT_EQ(t.str("/reboot", "compatible"), "syscon-reboot");
  EXPECT_EQ(t.u32("/reboot", "regmap"), t.phandle(test));
  EXPECT_EQ(t.u32("/reboot", "value"), 0x7777u);
}

TEST(DeviceTree, PhandlesAreUnique) {
  Tree t(build_device_tree(config(8)));
  std::vector<uint32_t> seen;
  for (int off = fdt_next_node(t.fdt(), -1, nullptr); off >= 0; off = fdt_next_node(t.fdt(), off, nullptr)) {
    uint32_t ph = fdt_get_phandle(t.fdt(), off);
    if (ph == 0) continue;
    for (uint32_t s : seen) EXPECT_NE(s, ph);
    seen.push_back(ph);
  }
  EXPECT_EQ(seen.size(), 8u * 2 + 2);  // cpu + intc per hart, plic, test
}

TEST(DeviceTree, ChosenWithoutBootargs) {
  Tree t(build_device_tree(config(1)));
  ASSERT_TRUE(t.has("/chosen"));
  EXPECT_FALSE(t.has_prop("/chosen", "bootargs"));
  EXPECT_FALSE(t.has_prop("/chosen", "linux,initrd-start"));
  EXPECT_EQ(t.str("/chosen", "stdout-path"), "/soc/serial@10000000");
  // stdout-path names a node that exists.
  EXPECT_TRUE(t.has(t.str("/chosen", "stdout-path")));
}

TEST(DeviceTree, ChosenBootargsAndInitrd) {
  PlatformConfig c = config(1);
  c.bootargs = "console=ttyS0 earlycon=sbi root=/dev/ram";
  c.initrd_start = 0x88000000;
  c.initrd_end = 0x88123456;
  Tree t(build_device_tree(c));
  EXPECT_EQ(t.str("/chosen", "bootargs"), c.bootargs);
  EXPECT_EQ(t.cells("/chosen", "linux,initrd-start"), (std::vector<uint32_t>{0, 0x88000000}));
  EXPECT_EQ(t.cells("/chosen", "linux,initrd-end"), (std::vector<uint32_t>{0, 0x88123456}));
}

TEST(DeviceTree, LongBootargsGrowTheBuffer) {
  PlatformConfig c = config(1);
  c.bootargs = std::string(100000, 'x');
  Tree t(build_device_tree(c));
  EXPECT_EQ(t.str("/chosen", "bootargs"), c.bootargs);
}

TEST(DeviceTree, RejectsBadConfig) {
  PlatformConfig c = config(0);
  EXPECT_THROW(build_device_tree(c), DeviceTreeError);
  c = config(1);
  c.ram_size = 0;
  EXPECT_THROW(build_device_tree(c), DeviceTreeError);
  c = config(1);
  c.isa = "rv32imac";
  EXPECT_THROW(build_device_tree(c), DeviceTreeError);
  c = config(1);
  c.initrd_start = 2;
  c.initrd_end = 1;
  EXPECT_THROW(build_device_tree(c), DeviceTreeError);
}

TEST(DeviceTree, Deterministic) {
  EXPECT_EQ(build_device_tree(config(3)), build_device_tree(config(3)));
}

TEST(DeviceTree, WriteAndReadBack) {
  auto blob = build_device_tree(config(2));
  const std::string path = temp_path("rt.dtb");
  write_file(path, blob);
  EXPECT_EQ(read_dtb_file(path), blob);
  std::remove(path.c_str());
}

TEST(DeviceTree, ReadErrors) {
  try {
    read_dtb_file("/nonexistent/board.dtb");
    FAIL() << "no throw";
  } catch (const DeviceTreeError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/board.dtb: cannot read device tree: no such file"),
              std::string::npos)
        << e.what();
  }
  try {
    read_dtb_file(::testing::TempDir());
    FAIL() << "no throw";
  } catch (const DeviceTreeError& e) {
    EXPECT_NE(std::string(e.what()).find("directory"), std::string::npos) << e.what();
  }

  const std::string junk = temp_path("junk.dtb");
  write_file(junk, std::vector<uint8_t>(100, 0x42));
  try {
    read_dtb_file(junk);
    FAIL() << "no throw";
  } catch (const DeviceTreeError& e) {
    EXPECT_NE(std::string(e.what()).find("not a valid device tree blob"), std::string::npos) << e.what();
  }

  auto blob = build_device_tree(config(1));
  blob.resize(blob.size() / 2);
  write_file(junk, blob);
  EXPECT_THROW(read_dtb_file(junk), DeviceTreeError);
  std::remove(junk.c_str());
}

TEST(DeviceTree, WriteFileErrorNamesPath) {
  try {
    write_file("/nonexistent/dir/x.dtb", {1, 2, 3});
    FAIL() << "no throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/x.dtb"), std::string::npos);
  }
}

// dtc (device-tree-compiler) decompiles the blob without errors.
TEST(DeviceTree, DtcDecompiles) {
  if (std::system("command -v dtc >/dev/null 2>&1") != 0) GTEST_SKIP() << "dtc not installed";
  PlatformConfig c = config(4);
  c.bootargs = "console=ttyS0";
  const std::string dtb = temp_path("dtc.dtb"), dts = temp_path("dtc.dts");
  write_file(dtb, build_device_tree(c));
  const std::string cmd = "dtc -q -I dtb -O dts -o " + dts + " " + dtb;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  std::ifstream in(dts);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  EXPECT_NE(text.find("cpu@3"), std::string::npos);
  EXPECT_NE(text.find("serial@10000000"), std::string::npos);
  EXPECT_NE(text.find("bootargs = \"console=ttyS0\""), std::string::npos);
  // And round-trips back to a blob.
  const std::string cmd2 = "dtc -q -I dts -O dtb -o " + dtb + ".2 " + dts;
  EXPECT_EQ(std::system(cmd2.c_str()), 0) << cmd2;
  std::remove(dtb.c_str());
  std::remove(dts.c_str());
  std::remove((dtb + ".2").c_str());
}

}  // namespace
}  // namespace rvh
