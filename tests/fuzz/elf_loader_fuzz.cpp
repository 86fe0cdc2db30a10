// elf_loader_fuzz.cpp -- the program loader (platform/loader.*): the input
// is a file given as --kernel, --bios or a bare ELF. It is loaded as the SoC
// loads it: load_elf() when it starts with the ELF magic (is_elf_file()),
// load_raw() at RAM base otherwise, through the SoC's RAM writer into the
// project's Memory model (1 MiB at 0x80000000, platform/memory.h).
//
// Checks, besides the sanitizers: a failure is a LoadError whose message is
// one line starting with the file name; a success loaded only RAM
// ([lowest, highest) inside it), and its symbol table answers lookups for
// the entry and every symbol's address.
#include <cstdint>
#include <memory>
#include <string>

#include "platform/config.h"
#include "platform/loader.h"
#include "platform/memory.h"
#include "tests/fuzz/fuzz_sc_main.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

constexpr uint64_t kRamBase = rvh::memmap::kRamBase;
constexpr uint64_t kRamSize = 1ull << 20;

struct Bench {
  rvh::Memory ram{"fuzz_ram", kRamSize};
  rvh::fuzz::MemFile file;
  // As Soc::ram_writer (platform/soc.cpp).
  rvh::MemoryWriter writer = [this](uint64_t addr, const uint8_t* data, uint64_t size) {
    if (addr < kRamBase) return false;
    return ram.write(addr - kRamBase, data, size);
  };
  const std::string ram_name = rvh::describe_region("RAM", kRamBase, kRamSize);
};

Bench& bench() {
  static Bench* b = new Bench();  // SystemC owns modules until exit
  return *b;
}

void check_error(const std::string& path, const std::string& what) {
  FUZZ_CHECK(what.find('\n') == std::string::npos, "loader error is not one line: %s", what.c_str());
  FUZZ_CHECK(what.rfind(path + ": ", 0) == 0, "loader error does not name the file: %s", what.c_str());
}

void check_image(const rvh::LoadedImage& img) {
  FUZZ_CHECK(img.lowest <= img.highest, "lowest 0x%llx above highest 0x%llx",
             static_cast<unsigned long long>(img.lowest), static_cast<unsigned long long>(img.highest));
  FUZZ_CHECK(img.lowest >= kRamBase && img.highest <= kRamBase + kRamSize,
             "image 0x%llx-0x%llx reaches outside RAM", static_cast<unsigned long long>(img.lowest),
             static_cast<unsigned long long>(img.highest));
  (void)img.symbols.describe(img.entry);
  (void)img.symbols.describe(img.lowest);
  for (const auto& s : img.symbols.symbols()) {
    const auto* found = img.symbols.find(s.addr);
    FUZZ_CHECK(found && found->addr == s.addr, "symbol %s at 0x%llx not found by address", s.name.c_str(),
               static_cast<unsigned long long>(s.addr));
    FUZZ_CHECK(img.symbols.address_of(s.name).has_value(), "symbol %s not found by name", s.name.c_str());
  }
  if (img.tohost) FUZZ_CHECK(img.symbols.address_of("tohost") == img.tohost, "tohost mismatch");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bench& b = bench();
  const std::string& path = b.file.write(data, size);
  try {
    rvh::LoadedImage img = rvh::is_elf_file(path) ? rvh::load_elf(path, b.writer, b.ram_name)
                                                  : rvh::load_raw(path, kRamBase, b.writer, b.ram_name);
    check_image(img);
  } catch (const rvh::LoadError& e) {
    check_error(path, e.what());
  }
  return 0;
}
