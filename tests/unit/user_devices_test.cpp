// Tests for the library API that attaches user devices to the SoC
// (Soc::attach_device, Soc::plic_source; platform/user_devices.cpp) and for
// how the device tree describes them. Running a program against such a
// device is the install test (tests/install.cmake, examples/).
#include <gtest/gtest.h>
#include <libfdt.h>

#include <stdexcept>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "platform/device_tree.h"
#include "platform/soc.h"
#include "tests/unit/periph_test_util.h"  // sc_main running the GoogleTest cases

namespace rvh {
namespace {

// A target that answers every access with OK (never called here).
struct DummyDevice : sc_core::sc_module {
  tlm_utils::simple_target_socket<DummyDevice> socket;
  explicit DummyDevice(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_b_transport(this, &DummyDevice::b_transport);
  }
  void b_transport(tlm::tlm_generic_payload& t, sc_core::sc_time&) { t.set_response_status(tlm::TLM_OK_RESPONSE); }
};

// Every test builds its own SoC; SystemC object names must be unique per process.
std::string unique(const char* base) {
  static int n = 0;
  return std::string(base) + std::to_string(n++);
}

SocParams quiet_params() {
  SocParams p;
  p.read_stdin = false;
  return p;
}

std::string prop_string(const std::vector<uint8_t>& blob, const std::string& path, const char* prop) {
  int len = 0;
  const int node = fdt_path_offset(blob.data(), path.c_str());
  auto* p = static_cast<const char*>(fdt_getprop(blob.data(), node, prop, &len));
  if (!p || len <= 0) return "<missing>";
  std::string s(p, static_cast<size_t>(len - 1));
  for (char& c : s)
    if (c == '\0') c = '|';
  return s;
}

std::vector<uint32_t> prop_cells(const std::vector<uint8_t>& blob, const std::string& path, const char* prop) {
  int len = 0;
  const int node = fdt_path_offset(blob.data(), path.c_str());
  auto* p = static_cast<const fdt32_t*>(fdt_getprop(blob.data(), node, prop, &len));
  std::vector<uint32_t> out;
  for (int i = 0; p && i < len / 4; ++i) out.push_back(fdt32_to_cpu(p[i]));
  return out;
}

TEST(UserDevices, AttachedDeviceIsDescribedUnderSocWithItsInterrupt) {
  Soc soc(unique("soc").c_str(), quiet_params());
  DummyDevice dev(unique("dev").c_str());
  soc.attach_device("accel", 0x10010000, 0x1000, dev.socket, DeviceTreeEntry{{"acme,accel", "acme,generic"}, 12});

  ASSERT_EQ(soc.config().user_devices.size(), 1u);
  const std::vector<uint8_t> blob = build_device_tree(soc.config());
  const std::string path = "/soc/accel@10010000";
  ASSERT_GE(fdt_path_offset(blob.data(), path.c_str()), 0);
  EXPECT_EQ(prop_string(blob, path, "compatible"), "acme,accel|acme,generic");
  EXPECT_EQ(prop_cells(blob, path, "reg"), (std::vector<uint32_t>{0, 0x10010000, 0, 0x1000}));
  EXPECT_EQ(prop_cells(blob, path, "interrupts"), std::vector<uint32_t>{12});
  const int plic = fdt_path_offset(blob.data(), "/soc/plic@c000000");
  EXPECT_EQ(prop_cells(blob, path, "interrupt-parent"),
            std::vector<uint32_t>{fdt_get_phandle(blob.data(), plic)});
}

TEST(UserDevices, DeviceWithoutCompatibleOrInterruptIsMappedButNotInTheTree) {
  Soc soc(unique("soc").c_str(), quiet_params());
  DummyDevice a(unique("dev").c_str()), b(unique("dev").c_str());
  soc.attach_device("hidden", 0x10020000, 0x100, a.socket);
  soc.attach_device("noirq", 0x10030000, 0x100, b.socket, DeviceTreeEntry{{"acme,noirq"}, 0});
  const std::vector<uint8_t> blob = build_device_tree(soc.config());
  EXPECT_LT(fdt_path_offset(blob.data(), "/soc/hidden@10020000"), 0);
  const std::string path = "/soc/noirq@10030000";
  ASSERT_GE(fdt_path_offset(blob.data(), path.c_str()), 0);
  EXPECT_EQ(fdt_getprop(blob.data(), fdt_path_offset(blob.data(), path.c_str()), "interrupts", nullptr), nullptr);
  // Overlapping the first one is refused even though it is not in the tree.
  DummyDevice c(unique("dev").c_str());
  EXPECT_THROW(soc.attach_device("other", 0x100200f0, 0x100, c.socket), std::invalid_argument);
}

// The error names the region the new device collides with.
std::string attach_error(Soc& soc, DummyDevice& dev, uint64_t base, uint64_t size, const std::string& name = "dev",
                         DeviceTreeEntry dt = {}) {
  try {
    soc.attach_device(name, base, size, dev.socket, dt);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<accepted>";
}

TEST(UserDevices, OverlappingOrMalformedDevicesAreRefused) {
  Soc soc(unique("soc").c_str(), quiet_params());
  DummyDevice dev(unique("dev").c_str());
  EXPECT_NE(attach_error(soc, dev, 0x10000000, 0x1000).find("overlaps uart0"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x0fffff00, 0x200).find("overlaps uart0"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x80100000, 0x1000).find("overlaps ram"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x0c100000, 0x10).find("overlaps plic"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x1000, 4).find("overlaps boot_rom"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x10010000, 0).find("size is 0"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, ~0ull - 0xff, 0x200).find("wraps"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x10010000, 0x1000, "bad name").find("name"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x10010000, 0x1000, "").find("name"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x10010000, 0x1000, "uart0").find("already mapped"), std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x10010000, 0x1000, "dev", DeviceTreeEntry{{"x"}, 10}).find("UART0"),
            std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x10010000, 0x1000, "dev", DeviceTreeEntry{{"x"}, 96}).find("1..95"),
            std::string::npos);
  EXPECT_NE(attach_error(soc, dev, 0x10010000, 0x1000, "dev", DeviceTreeEntry{{""}, 1}).find("compatible"),
            std::string::npos);
  EXPECT_TRUE(soc.config().user_devices.empty());
  // After all that the free range is still free.
  EXPECT_EQ(attach_error(soc, dev, 0x10010000, 0x1000), "<accepted>");
}

TEST(UserDevices, PlicSourceIsTheLineIntoThePlic) {
  Soc soc(unique("soc").c_str(), quiet_params());
  EXPECT_EQ(&soc.plic_source(12), &soc.plic_source_line(12));
  EXPECT_EQ(&soc.plic_source(1), &soc.plic_source_line(1));
  EXPECT_EQ(&soc.plic_source(95), &soc.plic_source_line(95));
  EXPECT_THROW(soc.plic_source(0), std::invalid_argument);
  EXPECT_THROW(soc.plic_source(10), std::invalid_argument);  // UART0 drives it
  EXPECT_THROW(soc.plic_source(96), std::invalid_argument);
}

TEST(UserDevices, DeviceTreeChecksUserDevicesGivenDirectly) {
  PlatformConfig cfg;
  cfg.user_devices.push_back(UserDevice{"dev", 0x10010000, 0x1000, {"acme,dev"}, 200});
  EXPECT_THROW(build_device_tree(cfg), DeviceTreeError);
  cfg.user_devices.back().plic_source = 5;
  EXPECT_NO_THROW(build_device_tree(cfg));
}

}  // namespace
}  // namespace rvh
