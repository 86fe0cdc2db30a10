// platform/disassembler.cpp: see disassembler.h. libopcodes is driven as
// objdump drives it (binutils' dis-asm.h): a disassemble_info reading from
// a buffer, the RV64 disassembler of disassembler(), and print callbacks
// that collect the text.
//
// Without an ELF, binutils 2.40's RISC-V disassembler knows RV64GC only (its
// default ISA), not the hypervisor's HLV/HSV/HFENCE. As objdump does for an
// ELF with mapping symbols (RISC-V ELF psABI, "Mapping Symbol"), it takes
// the ISA from a symbol "$x<isa>" at or below the address: the symbol table
// handed to it is that one symbol, "$xrv64gch" at 0, which needs an ELF BFD
// to belong to (an unwritten one on /dev/null).
//
// libopcodes (with the libbfd it needs) is loaded with dlopen the first time
// a Disassembler is made, not linked: only --trace-disasm uses it, and two
// large libraries loaded at every start of rvh-vp cost it a third of its
// start-up time (docs/benchmarks.md).
#include "platform/disassembler.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <dis-asm.h>

#include "platform/dl_library.h"

namespace rvh {

namespace {

// The functions of libopcodes and libbfd that the disassembler calls.
struct Opcodes {
  decltype(&::init_disassemble_info) init_disassemble_info = nullptr;
  decltype(&::buffer_read_memory) buffer_read_memory = nullptr;
  decltype(&::disassemble_init_for_target) disassemble_init_for_target = nullptr;
  decltype(&::disassembler) disassembler = nullptr;
  decltype(&::disassemble_free_target) disassemble_free_target = nullptr;
  decltype(&::bfd_init) bfd_init = nullptr;
  decltype(&::bfd_openw) bfd_openw = nullptr;
  decltype(&::bfd_close_all_done) bfd_close_all_done = nullptr;
};

// Loaded once for the process; kept loaded (libbfd keeps global state).
// RVH_OPCODES_SONAME: the library the build found (platform/CMakeLists.txt).
Opcodes load_opcodes() {
  const DlLibrary lib(RVH_OPCODES_SONAME);
  if (!lib.loaded())
    throw std::runtime_error(std::string("--trace-disasm needs libopcodes (") + RVH_OPCODES_SONAME +
                             ", Debian: binutils-multiarch): " + lib.error());
  Opcodes o;
  auto bind = [&lib](auto& fn, const char* name) {  // libbfd's symbols too: it is a dependency of libopcodes
    if (!lib.bind(fn, name))
      throw std::runtime_error(std::string("--trace-disasm: ") + RVH_OPCODES_SONAME + " has no " + name);
  };
  bind(o.init_disassemble_info, "init_disassemble_info");
  bind(o.buffer_read_memory, "buffer_read_memory");
  bind(o.disassemble_init_for_target, "disassemble_init_for_target");
  bind(o.disassembler, "disassembler");
  bind(o.disassemble_free_target, "disassemble_free_target");
  bind(o.bfd_init, "bfd_init");
  bind(o.bfd_openw, "bfd_openw");
  bind(o.bfd_close_all_done, "bfd_close_all_done");
  return o;
}

const Opcodes& opcodes() {
  static const Opcodes loaded = load_opcodes();  // a failed load throws, and is tried again next time
  return loaded;
}

}  // namespace

struct Disassembler::State {
  disassemble_info info;
  bfd* elf = nullptr;
  asection section{};
  asymbol isa_symbol{};
  asymbol* symtab[1] = {&isa_symbol};
  disassembler_ftype print_insn = nullptr;
  std::function<std::string(uint64_t)> symbolize;
  std::string text;
  uint8_t buffer[4] = {};
};

namespace {

void append_formatted(std::string& out, const char* format, va_list args) {
  char buf[256];
  const int n = std::vsnprintf(buf, sizeof buf, format, args);
  if (n > 0) out.append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1));
}

int print_plain(void* stream, const char* format, ...) {
  va_list args;
  va_start(args, format);
  append_formatted(*static_cast<std::string*>(stream), format, args);
  va_end(args);
  return 0;
}

int print_styled(void* stream, enum disassembler_style, const char* format, ...) {
  va_list args;
  va_start(args, format);
  append_formatted(*static_cast<std::string*>(stream), format, args);
  va_end(args);
  return 0;
}

}  // namespace

Disassembler::Disassembler(std::function<std::string(uint64_t)> symbolize) : state_(std::make_unique<State>()) {
  const Opcodes& lib = opcodes();
  State& s = *state_;
  s.symbolize = std::move(symbolize);
  lib.init_disassemble_info(&s.info, &s.text, print_plain, print_styled);
  s.info.arch = bfd_arch_riscv;
  s.info.mach = bfd_mach_riscv64;
  s.info.endian = BFD_ENDIAN_LITTLE;
  s.info.read_memory_func = lib.buffer_read_memory;
  s.info.buffer = s.buffer;
  s.info.buffer_length = sizeof s.buffer;
  s.info.application_data = &s;
  s.info.print_address_func = [](bfd_vma addr, disassemble_info* info) {
    State& st = *static_cast<State*>(info->application_data);
    char buf[32];
    std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(addr));
    st.text += buf;
    if (st.symbolize) {
      const std::string sym = st.symbolize(addr);
      if (!sym.empty()) st.text += " <" + sym + ">";
    }
  };
  lib.bfd_init();
  s.elf = lib.bfd_openw("/dev/null", "elf64-littleriscv");
  if (s.elf) {
    s.isa_symbol.the_bfd = s.elf;
    s.isa_symbol.name = "$xrv64gch";
    s.isa_symbol.section = &s.section;
    s.isa_symbol.flags = BSF_LOCAL;
    s.info.symtab = s.symtab;
    s.info.symtab_size = 1;
  }
  lib.disassemble_init_for_target(&s.info);
  s.print_insn = lib.disassembler(bfd_arch_riscv, false, bfd_mach_riscv64, nullptr);
}

Disassembler::~Disassembler() {
  opcodes().disassemble_free_target(&state_->info);
  if (state_->elf) opcodes().bfd_close_all_done(state_->elf);
}

std::string Disassembler::operator()(uint64_t pc, uint32_t bits, unsigned length) {
  State& s = *state_;
  for (unsigned i = 0; i < 4; ++i) s.buffer[i] = static_cast<uint8_t>(bits >> (8 * i));
  s.info.buffer_vma = pc;
  s.info.buffer_length = length;
  s.text.clear();
  const int used = s.print_insn ? s.print_insn(pc, &s.info) : -1;
  std::string out;
  for (char c : s.text) {  // objdump's tab between mnemonic and operands: one space
    if (c == '\t') c = ' ';
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (used <= 0 || out.empty()) return "unknown";
  return out;
}

}  // namespace rvh
