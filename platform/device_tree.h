// platform/device_tree.h: the flattened device tree (DTB) handed to firmware in
// a1, generated from a PlatformConfig with libfdt. The layout follows QEMU's
// `virt` machine closely enough that Debian's OpenSBI (generic platform),
// U-Boot (qemu-riscv64_smode) and Linux boot on it unmodified; see
// docs/memory-map.md for the nodes and their compatibles.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "platform/config.h"

namespace rvh {

// Thrown for a configuration the tree cannot describe, for a libfdt failure,
// and by read_dtb_file() for unreadable or malformed files. what() is one line.
class DeviceTreeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Phandles the generated tree uses, so tests and the SoC builder can name
// them without parsing. cpu N's phandle is kFirstCpuPhandle + 2N, its
// interrupt controller's is kFirstCpuPhandle + 2N + 1; the PLIC and the test
// device come after the last hart.
struct DeviceTreePhandles {
  static uint32_t cpu(unsigned hart) { return 1 + 2 * hart; }
  static uint32_t cpu_intc(unsigned hart) { return 2 + 2 * hart; }
  static uint32_t plic(unsigned num_harts) { return 1 + 2 * num_harts; }
  static uint32_t test(unsigned num_harts) { return 2 + 2 * num_harts; }
};

// Builds the device tree for `config` and returns the packed blob (header
// totalsize == vector size). Throws DeviceTreeError if config.num_harts is 0,
// config.ram_size is 0 or RAM would not fit below 2^64, timebase_hz is 0 or
// wider than 32 bits, isa does not start with "rv64", the initrd range is
// reversed, a user device fails check_user_device(), or libfdt fails.
std::vector<uint8_t> build_device_tree(const PlatformConfig& config);

// Checks what the tree needs of a user device (PlatformConfig::user_devices):
// a node name of 1 to 31 characters of [0-9a-zA-Z,._+-] starting with a
// letter, a non-empty region below 2^64, a PLIC source in 0..95 other than
// UART0's (10), no empty compatible string. Throws DeviceTreeError naming the
// device and the problem. build_device_tree() checks every user device.
void check_user_device(const UserDevice& device);

// Writes `data` to `path` as every output option does (OutputFile,
// platform/file_io.h). Throws OutputError (a std::runtime_error) naming the
// path and the reason if the file cannot be written.
void write_file(const std::string& path, const std::vector<uint8_t>& data);

// Reads a DTB from `path` (--dtb) and checks it with fdt_check_header and
// that the header's totalsize matches the file. Throws DeviceTreeError, e.g.
// "board.dtb: not a device tree blob (FDT_ERR_BADMAGIC)".
std::vector<uint8_t> read_dtb_file(const std::string& path);

}  // namespace rvh
