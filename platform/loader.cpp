// platform/loader.cpp: ELF64 (via libelf) and raw-binary loading; see loader.h.
#include "platform/loader.h"

#include "platform/hex_string.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <tuple>

#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>

#include "platform/file_io.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

namespace rvh {

namespace {

std::string hex(uint64_t v) { return hex_string(v); }

std::string machine_name(unsigned m) {
  switch (m) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_MIPS: return "MIPS";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC64";
    default: return "e_machine " + std::to_string(m);
  }
}

[[noreturn]] void fail(const std::string& path, const std::string& msg) {
  throw LoadError(path + ": " + msg);
}

FileBytes read_or_throw(const std::string& path) {
  FileBytes data;
  std::string error;
  if (!read_whole_file(path, data, error)) fail(path, "cannot read: " + error);
  return data;
}

struct ElfCloser {
  void operator()(Elf* e) const { elf_end(e); }
};

// Writes [addr, addr+size) from `data`, or zeros if data is nullptr, in chunks.
bool write_range(const MemoryWriter& write, uint64_t addr, const uint8_t* data, uint64_t size) {
  if (data) return size == 0 || write(addr, data, size);
  static const std::vector<uint8_t> zeros(64 * 1024, 0);
  while (size > 0) {
    uint64_t n = std::min<uint64_t>(size, zeros.size());
    if (!write(addr, zeros.data(), n)) return false;
    addr += n;
    size -= n;
  }
  return true;
}

// Checks the identification bytes and the header fields libelf does not judge
// for us, with messages that say what the file is instead.
void check_ident(const std::string& path, const FileBytes& d) {
  if (d.size() < SELFMAG || std::memcmp(d.data(), ELFMAG, SELFMAG) != 0)
    fail(path, d.empty() ? "empty file, not an ELF" : "not an ELF file (no \\x7fELF magic)");
  if (d.size() < EI_NIDENT) fail(path, "truncated ELF (" + std::to_string(d.size()) + " bytes)");
  if (d[EI_CLASS] == ELFCLASS32)
    fail(path, "32-bit ELF; rvh-vp runs RV64 programs (build with -march=rv64... -mabi=lp64...)");
  if (d[EI_CLASS] != ELFCLASS64) fail(path, "bad ELF class " + std::to_string(d[EI_CLASS]));
  if (d[EI_DATA] != ELFDATA2LSB) fail(path, "big-endian ELF; RISC-V programs are little-endian");
  if (d.size() < sizeof(Elf64_Ehdr))
    fail(path, "truncated ELF (" + std::to_string(d.size()) + " bytes, shorter than the ELF header)");
}

// Reads symbols from every SHT_SYMTAB section; skips section/file symbols,
// undefined ones, and assembler-local names (.L*, $x/$d mapping symbols).
void read_symbols(const std::string& path, Elf* elf, uint64_t file_size, SymbolTable& table) {
  Elf_Scn* scn = nullptr;
  while ((scn = elf_nextscn(elf, scn)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB) continue;
    if (shdr.sh_offset + shdr.sh_size > file_size)
      fail(path, "truncated ELF (symbol table ends at " + hex(shdr.sh_offset + shdr.sh_size) +
                     ", file has " + std::to_string(file_size) + " bytes)");
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data) fail(path, std::string("bad symbol table: ") + elf_errmsg(-1));
    uint64_t count = shdr.sh_entsize ? shdr.sh_size / shdr.sh_entsize : 0;
    for (uint64_t i = 1; i < count; ++i) {
      GElf_Sym sym;
      if (!gelf_getsym(data, static_cast<int>(i), &sym)) break;
      unsigned type = GELF_ST_TYPE(sym.st_info);
      if (sym.st_shndx == SHN_UNDEF || type == STT_SECTION || type == STT_FILE) continue;
      const char* name = elf_strptr(elf, shdr.sh_link, sym.st_name);
      if (!name || !*name || name[0] == '$' || std::strncmp(name, ".L", 2) == 0) continue;
      unsigned bind = GELF_ST_BIND(sym.st_info);
      table.add(name, sym.st_value, sym.st_size, bind == STB_GLOBAL || bind == STB_WEAK);
    }
  }
  table.finalize();
}

}  // namespace

// ---------------------------------------------------------------- SymbolTable

void SymbolTable::add(std::string name, uint64_t addr, uint64_t size, bool global) {
  auto it = by_name_.find(name);
  if (it == by_name_.end())
    by_name_.emplace(name, std::make_pair(addr, global));
  else if (global && !it->second.second)
    it->second = {addr, true};
  pending_.push_back({{addr, size, std::move(name)}, global});
}

void SymbolTable::finalize() {
  for (auto& e : by_addr_) pending_.push_back({e, true});  // keep earlier results
  by_addr_.clear();
  std::stable_sort(pending_.begin(), pending_.end(), [](const Entry& a, const Entry& b) {
    // By address; at the same address globals first, then sized ones first.
    return std::make_tuple(a.sym.addr, !a.global, a.sym.size == 0) <
           std::make_tuple(b.sym.addr, !b.global, b.sym.size == 0);
  });
  for (auto& e : pending_) {
    if (by_addr_.empty() || by_addr_.back().addr != e.sym.addr) by_addr_.push_back(std::move(e.sym));
  }
  pending_.clear();
}

std::optional<uint64_t> SymbolTable::address_of(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second.first;
}

const SymbolTable::Symbol* SymbolTable::find(uint64_t addr) const {
  auto it = std::upper_bound(by_addr_.begin(), by_addr_.end(), addr,
                             [](uint64_t a, const Symbol& s) { return a < s.addr; });
  if (it == by_addr_.begin()) return nullptr;
  const Symbol& s = *--it;
  if (s.size == 0 || addr - s.addr < s.size) return &s;
  return nullptr;
}

std::string SymbolTable::describe(uint64_t addr) const {
  const Symbol* s = find(addr);
  if (!s) return "";
  if (addr == s->addr) return s->name;
  return s->name + "+" + hex(addr - s->addr);
}

// -------------------------------------------------------------------- loading

std::string describe_region(const std::string& name, uint64_t base, uint64_t size) {
  return name + " " + hex(base) + "-" + hex(base + size - 1);
}

bool is_elf_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode)) return false;
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return false;
  unsigned char magic[SELFMAG];
  return std::fread(magic, 1, SELFMAG, f.get()) == SELFMAG &&
         std::memcmp(magic, ELFMAG, SELFMAG) == 0;
}

LoadedImage load_elf(const std::string& path, const MemoryWriter& write,
                     const std::string& memory_name) {
  FileBytes file = read_or_throw(path);
  check_ident(path, file);

  if (elf_version(EV_CURRENT) == EV_NONE) fail(path, "libelf is too old");
  std::unique_ptr<Elf, ElfCloser> elf(
      elf_memory(reinterpret_cast<char*>(file.data()), file.size()));
  if (!elf || elf_kind(elf.get()) != ELF_K_ELF)
    fail(path, std::string("not a valid ELF: ") + elf_errmsg(-1));

  GElf_Ehdr eh;
  if (!gelf_getehdr(elf.get(), &eh)) fail(path, std::string("bad ELF header: ") + elf_errmsg(-1));
  if (eh.e_machine != EM_RISCV)
    fail(path, "not a RISC-V ELF (machine is " + machine_name(eh.e_machine) + ")");
  if (eh.e_type == ET_REL) fail(path, "relocatable object (ET_REL), not an executable; link it first");
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)
    fail(path, "not an executable ELF (e_type " + std::to_string(eh.e_type) + ")");

  const uint64_t size = file.size();
  if (eh.e_phoff + uint64_t(eh.e_phnum) * eh.e_phentsize > size)
    fail(path, "truncated ELF (program headers end at " +
                   hex(eh.e_phoff + uint64_t(eh.e_phnum) * eh.e_phentsize) + ", file has " +
                   std::to_string(size) + " bytes)");
  if (eh.e_shoff != 0 && eh.e_shoff + uint64_t(eh.e_shnum) * eh.e_shentsize > size)
    fail(path, "truncated ELF (section headers end at " +
                   hex(eh.e_shoff + uint64_t(eh.e_shnum) * eh.e_shentsize) + ", file has " +
                   std::to_string(size) + " bytes)");

  if (eh.e_phnum == 0) fail(path, "no loadable (PT_LOAD) segments");
  size_t phnum = 0;
  if (elf_getphdrnum(elf.get(), &phnum) != 0)
    fail(path, std::string("bad program headers: ") + elf_errmsg(-1));

  LoadedImage img;
  img.entry = eh.e_entry;
  bool any = false, entry_mapped = false;
  for (size_t i = 0; i < phnum; ++i) {
    GElf_Phdr ph;
    if (!gelf_getphdr(elf.get(), static_cast<int>(i), &ph))
      fail(path, std::string("bad program header: ") + elf_errmsg(-1));
    if (ph.p_type != PT_LOAD || ph.p_memsz == 0) continue;
    if (ph.p_filesz > ph.p_memsz)
      fail(path, "segment " + hex(ph.p_paddr) + " has filesz " + std::to_string(ph.p_filesz) +
                     " > memsz " + std::to_string(ph.p_memsz));
    if (ph.p_offset + ph.p_filesz > size || ph.p_offset + ph.p_filesz < ph.p_offset)
      fail(path, "truncated ELF (segment " + hex(ph.p_paddr) + " needs file bytes up to " +
                     hex(ph.p_offset + ph.p_filesz) + ", file has " + std::to_string(size) + ")");
    if (ph.p_paddr + ph.p_memsz < ph.p_paddr)
      fail(path, "segment " + hex(ph.p_paddr) + " (" + std::to_string(ph.p_memsz) +
                     " bytes) wraps around the address space");

    if (!write_range(write, ph.p_paddr, file.data() + ph.p_offset, ph.p_filesz) ||
        !write_range(write, ph.p_paddr + ph.p_filesz, nullptr, ph.p_memsz - ph.p_filesz))
      fail(path, "segment " + hex(ph.p_paddr) + " (" + std::to_string(ph.p_memsz) +
                     " bytes) does not fit in " + memory_name);

    if (!any || ph.p_paddr < img.lowest) img.lowest = ph.p_paddr;
    if (!any || ph.p_paddr + ph.p_memsz > img.highest) img.highest = ph.p_paddr + ph.p_memsz;
    any = true;
    if (!entry_mapped && eh.e_entry >= ph.p_vaddr && eh.e_entry - ph.p_vaddr < ph.p_memsz) {
      img.entry = eh.e_entry - ph.p_vaddr + ph.p_paddr;
      entry_mapped = true;
    }
  }
  if (!any) fail(path, "no loadable (PT_LOAD) segments");
  // A hart started outside what was loaded would run whatever RAM holds.
  if (!entry_mapped)
    fail(path, "entry point " + hex(eh.e_entry) + " is outside every loadable (PT_LOAD) segment; "
               "check the linker script's ENTRY and the program's load addresses");

  read_symbols(path, elf.get(), size, img.symbols);
  img.tohost = img.symbols.address_of("tohost");
  img.fromhost = img.symbols.address_of("fromhost");
  return img;
}

LoadedImage load_raw(const std::string& path, uint64_t addr, const MemoryWriter& write,
                     const std::string& memory_name) {
  FileBytes file = read_or_throw(path);
  if (file.empty()) fail(path, "empty file, nothing to load");
  if (!write_range(write, addr, file.data(), file.size()))
    fail(path, std::to_string(file.size()) + " bytes at " + hex(addr) + " do not fit in " +
                   memory_name);
  LoadedImage img;
  img.entry = img.lowest = addr;
  img.highest = addr + file.size();
  return img;
}

}  // namespace rvh
