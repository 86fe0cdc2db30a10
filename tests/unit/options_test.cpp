// Tests for platform/options: sizes, defaults, QEMU spellings and the
// one-line error messages.
#include "platform/options.h"

#include <gtest/gtest.h>

#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

#include <initializer_list>
#include <string>
#include <vector>

namespace rvh {
namespace {

Options parse(std::initializer_list<const char*> args) {
  std::vector<std::string> store{"rvh-vp"};
  store.insert(store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : store) argv.push_back(s.data());
  argv.push_back(nullptr);
  return parse_options(static_cast<int>(store.size()), argv.data());
}

// The UsageError message for `args`, or "<no error>".
std::string error_of(std::initializer_list<const char*> args) {
  try {
    parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

constexpr uint64_t MiB = 1ull << 20;

TEST(ParseSize, QemuSpellings) {
  EXPECT_EQ(parse_size("128M"), 128 * MiB);
  EXPECT_EQ(parse_size("128m"), 128 * MiB);
  EXPECT_EQ(parse_size("1G"), 1024 * MiB);
  EXPECT_EQ(parse_size("1g"), 1024 * MiB);
  EXPECT_EQ(parse_size("512"), 512 * MiB);  // bare number: MiB
  EXPECT_EQ(parse_size("0x8000000"), 128 * MiB);  // hex: bytes
  EXPECT_EQ(parse_size("0X8000000"), 128 * MiB);
  EXPECT_EQ(parse_size("64K"), 64 * 1024u);
  EXPECT_EQ(parse_size("64KiB"), 64 * 1024u);
  EXPECT_EQ(parse_size("2GB"), 2048 * MiB);
  EXPECT_EQ(parse_size("1T"), 1ull << 40);
  EXPECT_EQ(parse_size("1.5G"), 1536 * MiB);
  EXPECT_EQ(parse_size("0.5M"), 512 * 1024u);
  EXPECT_EQ(parse_size("4096B"), 4096u);
}

TEST(ParseSize, Errors) {
  for (const char* bad : {"", "12Q", "M", "-1", "1.", ".5G", "1..5G", "0", "0x", "0x0", "0xZZ", "1 G",
                          "1GG", "1Gi", "1.1B", "99999999999999999999", "20000000T", "1e9", "0x10M"}) {
    try {
      parse_size(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()), std::string(bad) + ": bad size; use e.g. 128M, 1G");
    }
  }
}

TEST(Options, Defaults) {
  Options o = parse({"prog.elf"});
  EXPECT_EQ(o.elf, "prog.elf");
  EXPECT_EQ(o.memory, 128 * MiB);
  EXPECT_EQ(o.smp, 1u);
  EXPECT_EQ(o.max_insns, 0u);
  EXPECT_TRUE(o.config_sets.empty());
  EXPECT_TRUE(o.config_file.empty());
  EXPECT_FALSE(o.trace);
  EXPECT_FALSE(o.no_stdin);
  EXPECT_FALSE(o.help);
  EXPECT_FALSE(o.version);
  EXPECT_TRUE(o.bios.empty());
  EXPECT_TRUE(o.kernel.empty());
  EXPECT_TRUE(o.append.empty());
  EXPECT_TRUE(o.dtb.empty());
  EXPECT_TRUE(o.dump_dtb.empty());
  EXPECT_TRUE(o.stats.empty());
}

TEST(Options, MemorySpellings) {
  EXPECT_EQ(parse({"-m", "256M", "p.elf"}).memory, 256 * MiB);
  EXPECT_EQ(parse({"-m256M", "p.elf"}).memory, 256 * MiB);
  EXPECT_EQ(parse({"--memory", "1G", "p.elf"}).memory, 1024 * MiB);
  EXPECT_EQ(parse({"--memory=1G", "p.elf"}).memory, 1024 * MiB);
  EXPECT_EQ(parse({"-m", "512", "p.elf"}).memory, 512 * MiB);
  EXPECT_EQ(parse({"-m", "0x8000000", "p.elf"}).memory, 128 * MiB);
}

TEST(Options, AllOptions) {
  Options o = parse({"--bios", "fw_jump.elf", "--kernel", "Image", "--initrd", "rootfs.cpio",
                     "--append", "console=ttyS0 earlycon", "--smp", "4", "--max-insns", "1000000",
                     "--stats", "out.json", "--quantum", "500", "--quantum-insns", "2000", "--trace",
                     "--no-stdin", "--dump-dtb", "out.dtb"});
  EXPECT_EQ(o.bios, "fw_jump.elf");
  EXPECT_EQ(o.kernel, "Image");
  EXPECT_EQ(o.initrd, "rootfs.cpio");
  EXPECT_EQ(o.append, "console=ttyS0 earlycon");
  EXPECT_EQ(o.smp, 4u);
  EXPECT_EQ(o.max_insns, 1000000u);
  EXPECT_EQ(o.stats, "out.json");
  // The single-purpose timing options become configuration assignments.
  EXPECT_EQ(o.config_sets, (std::vector<std::string>{"sim.quantum_ns=500", "sim.quantum_insns=2000"}));
  EXPECT_TRUE(o.trace);
  EXPECT_TRUE(o.no_stdin);
  EXPECT_EQ(o.dump_dtb, "out.dtb");
  EXPECT_TRUE(o.elf.empty());
}

TEST(Options, QemuSingleDashLongOptions) {
  Options o = parse({"-bios", "fw.elf", "-kernel", "u-boot.bin", "-smp", "2", "-append", "x", "-m", "1G"});
  EXPECT_EQ(o.bios, "fw.elf");
  EXPECT_EQ(o.kernel, "u-boot.bin");
  EXPECT_EQ(o.smp, 2u);
  EXPECT_EQ(o.append, "x");
  EXPECT_EQ(o.memory, 1024 * MiB);
}

TEST(Options, HexNumbers) {
  EXPECT_EQ(parse({"--max-insns", "0x100", "p.elf"}).max_insns, 256u);
}

TEST(Options, DtbFile) {
  Options o = parse({"--dtb", "board.dtb", "p.elf"});
  EXPECT_EQ(o.dtb, "board.dtb");
}

TEST(Options, HelpAndVersionSkipChecks) {
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
  EXPECT_TRUE(parse({"--help", "--smp", "99"}).help);  // no program, bad smp: still help
}

TEST(Options, UsageTextDocumentsEveryOption) {
  const std::string text = usage_text("rvh-vp");
  for (const char* opt : {"--bios", "--kernel", "--initrd", "--append", "--memory", "-m", "--smp", "--dtb",
                          "--dump-dtb", "--max-insns", "--quantum", "--quantum-insns", "--stats",
                          "--trace", "--no-stdin", "--help", "--version"})
    EXPECT_NE(text.find(opt), std::string::npos) << opt;
  EXPECT_NE(version_text().find("rvh-vp "), std::string::npos);
}

TEST(Options, Errors) {
  EXPECT_EQ(error_of({"-m", "12Q", "p.elf"}), "-m 12Q: bad size; use e.g. 128M, 1G");
  EXPECT_EQ(error_of({"-m", "128G", "p.elf"}), "-m 128G: too large; at most 64G");
  EXPECT_EQ(error_of({"-m", "0x1001", "p.elf"}), "-m 0x1001: not a multiple of 4K");
  EXPECT_EQ(error_of({"--smp", "0", "p.elf"}), "--smp 0: out of range; use 1..8");
  EXPECT_EQ(error_of({"--smp", "9", "p.elf"}), "--smp 9: out of range; use 1..8");
  EXPECT_EQ(error_of({"--smp", "two", "p.elf"}),
            "--smp two: bad number; use a decimal or 0x-hex integer");
  EXPECT_EQ(error_of({"--max-insns", "-5", "p.elf"}),
            "--max-insns -5: bad number; use a decimal or 0x-hex integer");
  EXPECT_EQ(error_of({"--max-insns", "1e6", "p.elf"}),
            "--max-insns 1e6: bad number; use a decimal or 0x-hex integer");
  EXPECT_EQ(error_of({"--quantum", "0", "p.elf"}), "--quantum 0: must be at least 1 ns");
  EXPECT_EQ(error_of({"--quantum-insns", "0", "p.elf"}), "--quantum-insns 0: must be at least 1");
  EXPECT_EQ(error_of({"--frobnicate", "p.elf"}), "unknown option '--frobnicate'; see --help");
  EXPECT_EQ(error_of({"--mem", "1G", "p.elf"}), "unknown option '--mem'; see --help");  // no guessing
  EXPECT_EQ(error_of({}), "no program given; pass a bare-metal ELF, or --bios FILE; see --help");
  EXPECT_EQ(error_of({"--smp", "2"}), "no program given; pass a bare-metal ELF, or --bios FILE; see --help");
  EXPECT_EQ(error_of({"a.elf", "b.elf"}), "more than one program given ('a.elf', 'b.elf'); pass one ELF");
  EXPECT_NE(error_of({"--bios", "fw.elf", "p.elf"}).find("both an ELF ('p.elf') and --bios given"),
            std::string::npos);
  EXPECT_NE(error_of({"--kernel", "Image"}).find("--kernel needs --bios"), std::string::npos);
  EXPECT_NE(error_of({"--kernel", "Image", "p.elf"}).find("--kernel is for firmware"), std::string::npos);
  EXPECT_EQ(error_of({"--bios", "fw", "--initrd", "r"}), "--initrd needs --kernel");
  EXPECT_NE(error_of({"--dtb", "x.dtb", "--append", "a", "p.elf"}).find("--append cannot be used with --dtb"),
            std::string::npos);
  EXPECT_NE(error_of({"p.elf", "-m"}).find("missing"), std::string::npos);
  EXPECT_NE(error_of({"-m", "1G", "-m", "2G", "p.elf"}).find("more than once"), std::string::npos);
}

TEST(Options, ErrorsAreOneLine) {
  for (auto msg : {error_of({"--bogus"}), error_of({"-m", "x", "p"}), error_of({}), error_of({"p", "-m"})})
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

}  // namespace
}  // namespace rvh
