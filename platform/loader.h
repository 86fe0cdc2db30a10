// platform/loader.h: loads programs into simulated memory: RISC-V ELF64
// executables (PT_LOAD segments at their physical addresses, symbol table for
// traces and HTIF) and raw binaries. Memory is reached only through a
// MemoryWriter callback, so the loader knows nothing of the bus or the SoC.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace rvh {

// Every loader failure; what() is one line that names the file, e.g.
// "prog.elf: not a RISC-V ELF (machine is x86-64)".
class LoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Copies `size` bytes from `data` (never nullptr; zero-fill is passed as
// zero bytes) to physical address `addr`. Returns false if [addr, addr+size)
// is not entirely backed by memory (the loader then throws LoadError).
using MemoryWriter = std::function<bool(uint64_t addr, const uint8_t* data, uint64_t size)>;

// Symbols of a loaded ELF: name -> address and address -> containing symbol.
class SymbolTable {
 public:
  struct Symbol {
    uint64_t addr = 0;
    uint64_t size = 0;  // 0 if the ELF gives none
    std::string name;
  };

  // Adds a symbol; call finalize() after the last one, before lookups. For a
  // name defined more than once, address_of() returns the first global one
  // (or the first local one if none is global).
  void add(std::string name, uint64_t addr, uint64_t size, bool global = true);
  void finalize();

  // Address of a symbol by name.
  std::optional<uint64_t> address_of(const std::string& name) const;
  // The symbol containing `addr`: the one with the greatest start <= addr
  // (preferring a global, then a sized one among those at the same start),
  // if it has no size or addr lies within [start, start+size). nullptr if
  // there is none.
  const Symbol* find(uint64_t addr) const;
  // "name+0x12" for traces, or "" if find(addr) is nullptr.
  std::string describe(uint64_t addr) const;

  size_t size() const { return by_addr_.size(); }
  bool empty() const { return by_addr_.empty(); }
  // One symbol per address (the preferred one), sorted by address.
  const std::vector<Symbol>& symbols() const { return by_addr_; }

 private:
  struct Entry {
    Symbol sym;
    bool global;
  };
  std::vector<Entry> pending_;
  std::vector<Symbol> by_addr_;
  std::unordered_map<std::string, std::pair<uint64_t, bool>> by_name_;  // addr, global
};

struct LoadedImage {
  uint64_t entry = 0;
  uint64_t lowest = 0;   // lowest loaded physical address
  uint64_t highest = 0;  // one past the highest loaded byte (lowest == highest: nothing loaded)
  SymbolTable symbols;   // empty for raw binaries
  std::optional<uint64_t> tohost, fromhost;  // HTIF mailboxes, if the ELF has those symbols
};

// "RAM 0x80000000-0x87ffffff": how a loader error names the memory that a
// MemoryWriter backs. Pass it as `memory_name` below.
std::string describe_region(const std::string& name, uint64_t base, uint64_t size);

// True if `path` is a readable file starting with the ELF magic. False for
// missing files and directories (load_* then reports the reason).
bool is_elf_file(const std::string& path);

// Loads a RISC-V ELF64 executable (ET_EXEC or ET_DYN, little-endian) by
// p_paddr, zero-filling p_memsz beyond p_filesz. Throws LoadError for a
// missing/unreadable file, a non-ELF, 32-bit, big-endian or non-RISC-V ELF, a
// truncated file, no loadable segment, a segment outside memory:
// "prog.elf: segment 0x1000 (42 bytes) does not fit in RAM 0x80000000-0x87ffffff",
// or an entry point outside every loadable segment:
// "prog.elf: entry point 0x1234 is outside every loadable (PT_LOAD) segment; ...".
// The entry point is e_entry translated to a physical address through the
// first PT_LOAD segment whose [p_vaddr, p_vaddr + p_memsz) contains it.
LoadedImage load_elf(const std::string& path, const MemoryWriter& write,
                     const std::string& memory_name = "memory");

// Copies the whole file to `addr`; entry = lowest = addr. Throws LoadError if
// the file cannot be read, is empty, or does not fit in memory.
LoadedImage load_raw(const std::string& path, uint64_t addr, const MemoryWriter& write,
                     const std::string& memory_name = "memory");

}  // namespace rvh
