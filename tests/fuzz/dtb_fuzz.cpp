// dtb_fuzz.cpp -- the device-tree inputs of platform/device_tree.*:
//
// 1. `--dtb FILE`: the input is the file. The SoC reads it with
//    read_dtb_file() and places it in RAM (Soc::place_device_tree, as
//    platform/main.cpp does for a bare run; 16 MiB of RAM). Either it is
//    rejected with a DeviceTreeError / LoadError of one line naming the
//    file, or the blob in RAM at config().dtb_addr is the file's first
//    totalsize bytes and libfdt finds a valid header there.
// 2. `--append ARGS` (and --smp): the generated tree with the input (up to
//    its first NUL) as bootargs and 1 + (first byte % 8) harts. Either
//    build_device_tree() rejects it with a DeviceTreeError, or the blob
//    passes fdt_check_full() and /chosen/bootargs reads back the same.
#include <cstdint>
#include <cstring>
#include <string>

#include <libfdt.h>

#include "platform/device_tree.h"
#include "platform/soc.h"
#include "tests/fuzz/fuzz_sc_main.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

constexpr uint64_t kRamSize = 16ull << 20;

struct Bench {
  rvh::fuzz::MemFile file;
  rvh::Soc* soc;
  Bench() {
    rvh::SocParams p;
    p.config.ram_size = kRamSize;
    p.read_stdin = false;
    soc = new rvh::Soc("fuzz_soc", p);  // SystemC owns modules until exit
  }
};

Bench& bench() {
  static Bench* b = new Bench();
  return *b;
}

void check_error(const std::string& path, const std::string& what) {
  FUZZ_CHECK(what.find('\n') == std::string::npos, "--dtb error is not one line: %s", what.c_str());
  FUZZ_CHECK(what.find(path) != std::string::npos, "--dtb error does not name the file: %s", what.c_str());
}

void fuzz_dtb_file(Bench& b, const uint8_t* data, size_t size) {
  const std::string& path = b.file.write(data, size);
  try {
    b.soc->place_device_tree(path, std::string());
  } catch (const rvh::DeviceTreeError& e) {
    check_error(path, e.what());
    return;
  } catch (const rvh::LoadError& e) {
    check_error(path, e.what());
    return;
  }
  FUZZ_CHECK(size >= sizeof(fdt_header), "accepted a %zu-byte DTB", size);
  const uint32_t total = fdt_totalsize(data);
  FUZZ_CHECK(total <= size, "accepted a DTB whose header says %u bytes, file has %zu", total, size);
  const uint64_t addr = b.soc->config().dtb_addr;
  const uint64_t base = rvh::memmap::kRamBase;
  FUZZ_CHECK(addr >= base && addr - base + total <= kRamSize, "DTB placed at 0x%llx, outside RAM",
             static_cast<unsigned long long>(addr));
  const uint8_t* placed = b.soc->ram().host_pointer(addr - base);
  FUZZ_CHECK(std::memcmp(placed, data, total) == 0, "DTB in RAM differs from the file");
  FUZZ_CHECK(fdt_check_header(placed) == 0, "placed DTB has a bad header");
}

void fuzz_bootargs(const uint8_t* data, size_t size) {
  rvh::PlatformConfig cfg;
  cfg.ram_size = kRamSize;
  cfg.num_harts = size ? 1 + data[0] % 8 : 1;
  cfg.bootargs.assign(reinterpret_cast<const char*>(data), strnlen(reinterpret_cast<const char*>(data), size));
  std::vector<uint8_t> blob;
  try {
    blob = rvh::build_device_tree(cfg);
  } catch (const rvh::DeviceTreeError& e) {
    FUZZ_CHECK(std::strchr(e.what(), '\n') == nullptr, "device tree error is not one line: %s", e.what());
    return;
  }
  FUZZ_CHECK(fdt_check_full(blob.data(), blob.size()) == 0, "generated tree fails fdt_check_full");
  FUZZ_CHECK(fdt_totalsize(blob.data()) == blob.size(), "generated tree: totalsize != size");
  const int chosen = fdt_path_offset(blob.data(), "/chosen");
  FUZZ_CHECK(chosen >= 0, "generated tree has no /chosen");
  int len = 0;
  const char* args = static_cast<const char*>(fdt_getprop(blob.data(), chosen, "bootargs", &len));
  if (cfg.bootargs.empty()) return;
  FUZZ_CHECK(args && len == static_cast<int>(cfg.bootargs.size()) + 1 &&
                 std::memcmp(args, cfg.bootargs.data(), cfg.bootargs.size()) == 0,
             "/chosen/bootargs does not read back what --append gave");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bench& b = bench();
  fuzz_dtb_file(b, data, size);
  fuzz_bootargs(data, size);
  return 0;
}
