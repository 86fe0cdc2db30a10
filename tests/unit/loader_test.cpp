// Tests for platform/loader: ELF and raw loading into a fake RAM, symbols,
// HTIF tohost/fromhost, and the error messages for bad inputs. The ELF files
// are written by a small builder below (plain <elf.h> structs), not checked in.
#include "platform/loader.h"

#include <elf.h>
#include <gtest/gtest.h>

#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace rvh {
namespace {

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "rvh_ld_" + std::to_string(::getpid()) + "_" + name;
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
}

// RAM at [base, base+size) that records writes.
struct FakeRam {
  uint64_t base;
  std::vector<uint8_t> bytes;
  int writes = 0;
  FakeRam(uint64_t b, uint64_t size, uint8_t fill = 0xAA) : base(b), bytes(size, fill) {}
  MemoryWriter writer() {
    return [this](uint64_t addr, const uint8_t* data, uint64_t size) {
      if (data == nullptr) return false;  // the loader promises real bytes
      if (addr < base || addr - base > bytes.size() || size > bytes.size() - (addr - base))
        return false;
      std::memcpy(&bytes[addr - base], data, size);
      ++writes;
      return true;
    };
  }
  uint8_t at(uint64_t addr) const { return bytes.at(addr - base); }
};

// Builds a minimal ELF64 executable: header, program headers, segment
// contents, and a .symtab/.strtab/.shstrtab when symbols are given.
struct ElfBuilder {
  struct Segment {
    uint64_t vaddr, paddr;
    std::vector<uint8_t> data;
    uint64_t memsz;  // >= data.size()
    uint32_t type = PT_LOAD;
  };
  struct Sym {
    std::string name;
    uint64_t value, size;
    unsigned char info;
    uint16_t shndx = 1;  // any defined section index
  };
  uint16_t machine = EM_RISCV;
  uint16_t type = ET_EXEC;
  uint64_t entry = 0x80000000;
  std::vector<Segment> segments;
  std::vector<Sym> symbols;

  static void put(std::vector<uint8_t>& out, const void* p, size_t n) {
    auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  }
  static void align(std::vector<uint8_t>& out, size_t a) {
    while (out.size() % a) out.push_back(0);
  }

  std::vector<uint8_t> build() const {
    std::vector<uint8_t> out(sizeof(Elf64_Ehdr) + segments.size() * sizeof(Elf64_Phdr), 0);
    std::vector<Elf64_Phdr> ph;
    for (const auto& s : segments) {
      align(out, 8);
      Elf64_Phdr p{};
      p.p_type = s.type;
      p.p_flags = PF_R | PF_X | PF_W;
      p.p_offset = out.size();
      p.p_vaddr = s.vaddr;
      p.p_paddr = s.paddr;
      p.p_filesz = s.data.size();
      p.p_memsz = s.memsz;
      p.p_align = 8;
      ph.push_back(p);
      put(out, s.data.data(), s.data.size());
    }

    uint64_t shoff = 0;
    uint16_t shnum = 0, shstrndx = 0;
    if (!symbols.empty()) {
      std::string strtab(1, '\0');
      std::vector<Elf64_Sym> syms(1);  // index 0: null symbol
      for (const auto& s : symbols) {
        Elf64_Sym e{};
        e.st_name = static_cast<uint32_t>(strtab.size());
        strtab += s.name;
        strtab += '\0';
        e.st_value = s.value;
        e.st_size = s.size;
        e.st_info = s.info;
        e.st_shndx = s.shndx;
        syms.push_back(e);
      }
      const std::string shstrtab = std::string("\0.symtab\0.strtab\0.shstrtab\0", 27);
      align(out, 8);
      uint64_t symoff = out.size();
      put(out, syms.data(), syms.size() * sizeof(Elf64_Sym));
      uint64_t stroff = out.size();
      put(out, strtab.data(), strtab.size());
      uint64_t shstroff = out.size();
      put(out, shstrtab.data(), shstrtab.size());
      align(out, 8);
      shoff = out.size();
      Elf64_Shdr sh[4]{};
      sh[1].sh_name = 1;
      sh[1].sh_type = SHT_SYMTAB;
      sh[1].sh_offset = symoff;
      sh[1].sh_size = syms.size() * sizeof(Elf64_Sym);
      sh[1].sh_link = 2;
      sh[1].sh_info = 1;
      sh[1].sh_entsize = sizeof(Elf64_Sym);
      sh[1].sh_addralign = 8;
      sh[2].sh_name = 9;
      sh[2].sh_type = SHT_STRTAB;
      sh[2].sh_offset = stroff;
      sh[2].sh_size = strtab.size();
      sh[2].sh_addralign = 1;
      sh[3].sh_name = 17;
      sh[3].sh_type = SHT_STRTAB;
      sh[3].sh_offset = shstroff;
      sh[3].sh_size = shstrtab.size();
      sh[3].sh_addralign = 1;
      put(out, sh, sizeof sh);
      shnum = 4;
      shstrndx = 3;
    }

    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = type;
    eh.e_machine = machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = entry;
    eh.e_phoff = ph.empty() ? 0 : sizeof(Elf64_Ehdr);
    eh.e_shoff = shoff;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = static_cast<uint16_t>(ph.size());
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = shnum;
    eh.e_shstrndx = shstrndx;
    std::memcpy(out.data(), &eh, sizeof eh);
    if (!ph.empty()) std::memcpy(out.data() + sizeof eh, ph.data(), ph.size() * sizeof(Elf64_Phdr));
    return out;
  }

  std::string write(const std::string& name) const {
    std::string path = temp_path(name);
    write_bytes(path, build());
    return path;
  }
};

unsigned char global_func() { return ELF64_ST_INFO(STB_GLOBAL, STT_FUNC); }
unsigned char local_func() { return ELF64_ST_INFO(STB_LOCAL, STT_FUNC); }
unsigned char global_obj() { return ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT); }

ElfBuilder simple_program() {
  ElfBuilder b;
  b.entry = 0x80000000;
  b.segments.push_back({0x80000000, 0x80000000, {0x13, 0x00, 0x00, 0x00, 0x6f, 0x00, 0x00, 0x00}, 8});
  // .data + .bss: 4 bytes of data, 12 zeroed.
  b.segments.push_back({0x80001000, 0x80001000, {1, 2, 3, 4}, 16});
  b.symbols = {{"_start", 0x80000000, 4, global_func()},
               {"loop", 0x80000004, 4, local_func()},
               {"tohost", 0x80001000, 8, global_obj()},
               {"fromhost", 0x80001008, 8, global_obj()},
               {"$x", 0x80000000, 0, ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE)},
               {".Ltmp0", 0x80000004, 0, ELF64_ST_INFO(STB_LOCAL, STT_NOTYPE)},
               {"undefined_ext", 0, 0, ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE), SHN_UNDEF}};
  return b;
}

// Expects load_elf(path) to throw LoadError whose message contains `needle`.
void expect_load_error(const std::string& path, const std::string& needle, FakeRam* ram = nullptr) {
  FakeRam local(0x80000000, 0x10000);
  FakeRam& r = ram ? *ram : local;
  try {
    load_elf(path, r.writer(), describe_region("RAM", r.base, r.bytes.size()));
    ADD_FAILURE() << "no LoadError for " << path;
  } catch (const LoadError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(needle), std::string::npos) << "message: " << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "message is not one line: " << msg;
    EXPECT_EQ(msg.rfind(path, 0), 0u) << "message does not start with the path: " << msg;
  }
}

TEST(Loader, LoadsSegmentsAndZeroFills) {
  std::string path = simple_program().write("simple.elf");
  FakeRam ram(0x80000000, 0x10000);
  LoadedImage img = load_elf(path, ram.writer());
  EXPECT_EQ(img.entry, 0x80000000u);
  EXPECT_EQ(img.lowest, 0x80000000u);
  EXPECT_EQ(img.highest, 0x80001010u);
  EXPECT_EQ(ram.at(0x80000000), 0x13);
  EXPECT_EQ(ram.at(0x80000004), 0x6f);
  EXPECT_EQ(ram.at(0x80001000), 1);
  EXPECT_EQ(ram.at(0x80001003), 4);
  for (uint64_t a = 0x80001004; a < 0x80001010; ++a) EXPECT_EQ(ram.at(a), 0) << std::hex << a;
  EXPECT_EQ(ram.at(0x80001010), 0xAA);  // untouched past memsz
  EXPECT_EQ(ram.at(0x80000008), 0xAA);  // untouched between segments
  std::remove(path.c_str());
}

TEST(Loader, SymbolsAndHtif) {
  std::string path = simple_program().write("syms.elf");
  FakeRam ram(0x80000000, 0x10000);
  LoadedImage img = load_elf(path, ram.writer());
  ASSERT_TRUE(img.tohost.has_value());
  ASSERT_TRUE(img.fromhost.has_value());
  EXPECT_EQ(*img.tohost, 0x80001000u);
  EXPECT_EQ(*img.fromhost, 0x80001008u);
  EXPECT_EQ(img.symbols.address_of("_start"), 0x80000000u);
  EXPECT_EQ(img.symbols.address_of("loop"), 0x80000004u);
  EXPECT_FALSE(img.symbols.address_of("$x").has_value());
  EXPECT_FALSE(img.symbols.address_of(".Ltmp0").has_value());
  EXPECT_FALSE(img.symbols.address_of("undefined_ext").has_value());
  EXPECT_FALSE(img.symbols.address_of("nothing").has_value());

  const SymbolTable::Symbol* s = img.symbols.find(0x80000002);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->name, "_start");
  EXPECT_EQ(img.symbols.describe(0x80000000), "_start");
  EXPECT_EQ(img.symbols.describe(0x80000006), "loop+0x2");
  EXPECT_EQ(img.symbols.describe(0x80001009), "fromhost+0x1");
  EXPECT_EQ(img.symbols.find(0x80000008), nullptr);  // past loop's size
  EXPECT_EQ(img.symbols.find(0x7fffffff), nullptr);  // below every symbol
  EXPECT_EQ(img.symbols.describe(0x7fffffff), "");
  std::remove(path.c_str());
}

TEST(Loader, NoSymbolsNoHtif) {
  ElfBuilder b = simple_program();
  b.symbols.clear();
  std::string path = b.write("nosyms.elf");
  FakeRam ram(0x80000000, 0x10000);
  LoadedImage img = load_elf(path, ram.writer());
  EXPECT_TRUE(img.symbols.empty());
  EXPECT_FALSE(img.tohost.has_value());
  EXPECT_FALSE(img.fromhost.has_value());
  std::remove(path.c_str());
}

TEST(Loader, LoadsByPhysicalAddressAndTranslatesEntry) {
  ElfBuilder b;
  b.entry = 0xffffffff80000010;
  b.segments.push_back({0xffffffff80000000, 0x80200000, std::vector<uint8_t>(32, 0x55), 32});
  std::string path = b.write("vaddr.elf");
  FakeRam ram(0x80000000, 0x400000);
  LoadedImage img = load_elf(path, ram.writer());
  EXPECT_EQ(img.entry, 0x80200010u);
  EXPECT_EQ(img.lowest, 0x80200000u);
  EXPECT_EQ(ram.at(0x80200000), 0x55);
  std::remove(path.c_str());
}

TEST(Loader, SkipsNonLoadSegments) {
  ElfBuilder b = simple_program();
  ElfBuilder::Segment note{0, 0x10, {9, 9, 9, 9}, 4};
  note.type = PT_NOTE;
  b.segments.push_back(note);
  std::string path = b.write("note.elf");
  FakeRam ram(0x80000000, 0x10000);
  LoadedImage img = load_elf(path, ram.writer());
  EXPECT_EQ(img.lowest, 0x80000000u);
  std::remove(path.c_str());
}

TEST(Loader, LocalAndGlobalSameName) {
  SymbolTable t;
  t.add("helper", 0x100, 4, /*global=*/false);
  t.add("helper", 0x200, 4, /*global=*/true);
  t.add("other", 0x100, 0, true);
  t.finalize();
  EXPECT_EQ(t.address_of("helper"), 0x200u);
  // At 0x100 the global symbol is preferred over the local one.
  ASSERT_NE(t.find(0x100), nullptr);
  EXPECT_EQ(t.find(0x100)->name, "other");
  EXPECT_EQ(t.find(0x1ff)->name, "other");  // sizeless: nearest below
}

TEST(Loader, SegmentOutsideRam) {
  ElfBuilder b;
  b.segments.push_back({0x1000, 0x1000, {1, 2, 3}, 42});
  std::string path = b.write("outside.elf");
  expect_load_error(path, "segment 0x1000 (42 bytes) does not fit in RAM 0x80000000-0x8000ffff");
  std::remove(path.c_str());
}

TEST(Loader, BssRunsPastRam) {
  ElfBuilder b;
  b.segments.push_back({0x8000f000, 0x8000f000, {1}, 0x2000});
  std::string path = b.write("bigbss.elf");
  expect_load_error(path, "does not fit in RAM");
  std::remove(path.c_str());
}

TEST(Loader, MissingFile) {
  expect_load_error("/nonexistent/prog.elf", "no such file");
  EXPECT_FALSE(is_elf_file("/nonexistent/prog.elf"));
}

TEST(Loader, Directory) {
  std::string dir = ::testing::TempDir();
  expect_load_error(dir, "directory");
  EXPECT_FALSE(is_elf_file(dir));
  FakeRam ram(0x80000000, 0x1000);
  EXPECT_THROW(load_raw(dir, 0x80000000, ram.writer()), LoadError);
}

TEST(Loader, NotAnElf) {
  std::string path = temp_path("text.elf");
  write_bytes(path, {'h', 'e', 'l', 'l', 'o', '\n'});
  expect_load_error(path, "not an ELF file");
  EXPECT_FALSE(is_elf_file(path));
  write_bytes(path, {});
  expect_load_error(path, "empty file");
  std::remove(path.c_str());
}

TEST(Loader, Elf32) {
  std::vector<uint8_t> d(sizeof(Elf32_Ehdr), 0);
  std::memcpy(d.data(), ELFMAG, SELFMAG);
  d[EI_CLASS] = ELFCLASS32;
  d[EI_DATA] = ELFDATA2LSB;
  d[EI_VERSION] = EV_CURRENT;
  std::string path = temp_path("rv32.elf");
  write_bytes(path, d);
  EXPECT_TRUE(is_elf_file(path));
  expect_load_error(path, "32-bit ELF");
  std::remove(path.c_str());
}

TEST(Loader, X86Elf) {
  ElfBuilder b = simple_program();
  b.machine = EM_X86_64;
  std::string path = b.write("x86.elf");
  expect_load_error(path, "not a RISC-V ELF (machine is x86-64)");
  std::remove(path.c_str());
}

TEST(Loader, RelocatableObject) {
  ElfBuilder b = simple_program();
  b.type = ET_REL;
  std::string path = b.write("obj.o");
  expect_load_error(path, "relocatable object");
  std::remove(path.c_str());
}

TEST(Loader, NoLoadableSegments) {
  ElfBuilder b;
  std::string path = b.write("empty.elf");
  expect_load_error(path, "no loadable");
  std::remove(path.c_str());
}

// An entry point outside every PT_LOAD segment: the hart would start in
// whatever memory holds; refused, naming the file and the address.
TEST(Loader, EntryOutsideEverySegment) {
  struct Case {
    const char* name;
    uint64_t entry;
  };
  // simple_program's segments: [0x80000000, +8) and [0x80001000, +16).
  for (const Case& c : {Case{"past_text.elf", 0x80000008}, Case{"between.elf", 0x80000800},
                        Case{"past_bss.elf", 0x80001010}, Case{"below.elf", 0x7ffffffc},
                        Case{"zero.elf", 0}}) {
    ElfBuilder b = simple_program();
    b.entry = c.entry;
    std::string path = b.write(c.name);
    std::ostringstream want;
    want << "entry point 0x" << std::hex << c.entry << " is outside every loadable (PT_LOAD) segment";
    expect_load_error(path, want.str());
    std::remove(path.c_str());
  }
  // Only PT_LOAD counts: a PT_NOTE covering the entry does not make it loadable.
  ElfBuilder b = simple_program();
  b.entry = 0x90000000;
  ElfBuilder::Segment note{0x90000000, 0x90000000, {1, 2, 3, 4}, 4};
  note.type = PT_NOTE;
  b.segments.push_back(note);
  std::string path = b.write("note_entry.elf");
  expect_load_error(path, "entry point 0x90000000 is outside every loadable (PT_LOAD) segment");
  std::remove(path.c_str());
}

// The last byte of a segment, .bss included, is inside it.
TEST(Loader, EntryAtTheEndOfASegmentIsInside) {
  ElfBuilder b = simple_program();
  b.entry = 0x8000100f;  // the last byte of [0x80001000, +16), in its zero-filled part
  std::string path = b.write("bss_entry.elf");
  FakeRam ram(0x80000000, 0x10000);
  EXPECT_EQ(load_elf(path, ram.writer()).entry, 0x8000100fu);
  std::remove(path.c_str());
}

TEST(Loader, TruncatedFiles) {
  std::vector<uint8_t> full = simple_program().build();
  std::string path = temp_path("trunc.elf");
  // Cut inside the ELF header, inside the program headers, inside segment
  // data, and inside the section headers.
  for (size_t cut : {size_t(10), size_t(40), sizeof(Elf64_Ehdr) + 20, sizeof(Elf64_Ehdr) + 2 * sizeof(Elf64_Phdr) + 3,
                     full.size() - 10}) {
    write_bytes(path, std::vector<uint8_t>(full.begin(), full.begin() + cut));
    SCOPED_TRACE("cut at " + std::to_string(cut));
    expect_load_error(path, "truncated");
  }
  std::remove(path.c_str());
}

TEST(Loader, IsElfFile) {
  std::string path = simple_program().write("is.elf");
  EXPECT_TRUE(is_elf_file(path));
  std::remove(path.c_str());
}

TEST(Loader, Raw) {
  std::string path = temp_path("fw.bin");
  write_bytes(path, {0xde, 0xad, 0xbe, 0xef});
  FakeRam ram(0x80000000, 0x1000);
  LoadedImage img = load_raw(path, 0x80000100, ram.writer());
  EXPECT_EQ(img.entry, 0x80000100u);
  EXPECT_EQ(img.lowest, 0x80000100u);
  EXPECT_EQ(img.highest, 0x80000104u);
  EXPECT_TRUE(img.symbols.empty());
  EXPECT_EQ(ram.at(0x80000100), 0xde);
  EXPECT_EQ(ram.at(0x80000103), 0xef);

  try {
    load_raw(path, 0x80000ffe, ram.writer(), describe_region("RAM", 0x80000000, 0x1000));
    ADD_FAILURE() << "no throw";
  } catch (const LoadError& e) {
    EXPECT_EQ(std::string(e.what()),
              path + ": 4 bytes at 0x80000ffe do not fit in RAM 0x80000000-0x80000fff");
  }
  write_bytes(path, {});
  EXPECT_THROW(load_raw(path, 0x80000000, ram.writer()), LoadError);
  EXPECT_THROW(load_raw("/nonexistent/fw.bin", 0x80000000, ram.writer()), LoadError);
  std::remove(path.c_str());
}

// A real RISC-V program from the cross toolchain, if sw/ has been built.
TEST(Loader, CrossCompiledProgramIfAvailable) {
  if (std::system("command -v riscv64-unknown-elf-gcc >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "riscv64-unknown-elf-gcc not installed";
  const std::string src = temp_path("x.S"), elf = temp_path("x.elf"), lds = temp_path("x.lds");
  {
    std::ofstream l(lds);
    l << "ENTRY(_start)\nSECTIONS {\n . = 0x80000000;\n .text : { *(.text*) }\n"
         " .data : { *(.data*) }\n .bss : { *(.bss*) }\n}\n";
  }
  {
    std::ofstream s(src);
    s << ".globl _start\n_start: j _start\n.data\n.globl tohost\n.align 3\ntohost: .dword 0\n"
         ".globl fromhost\nfromhost: .dword 0\n.bss\nbuf: .space 64\n";
  }
  const std::string cmd = "riscv64-unknown-elf-gcc -nostdlib -nostartfiles -T " + lds + " -o " +
                          elf + " " + src + " 2>/dev/null";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "cross compile failed: " << cmd;
  FakeRam ram(0x80000000, 0x100000);
  LoadedImage img = load_elf(elf, ram.writer());
  EXPECT_EQ(img.entry, 0x80000000u);
  EXPECT_EQ(img.symbols.address_of("_start"), 0x80000000u);
  EXPECT_TRUE(img.tohost.has_value());
  EXPECT_TRUE(img.fromhost.has_value());
  EXPECT_EQ(*img.fromhost, *img.tohost + 8);
  EXPECT_EQ(img.lowest, 0x80000000u);
  EXPECT_GE(img.highest, *img.fromhost + 8 + 64);  // .bss loaded (zeroed) too
  std::remove(lds.c_str());
  std::remove(src.c_str());
  std::remove(elf.c_str());
}

}  // namespace
}  // namespace rvh
