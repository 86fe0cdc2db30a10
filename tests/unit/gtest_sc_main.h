// gtest_sc_main.h -- sc_main that runs the GoogleTest cases.
//
// Every unit test links the platform libraries, hence libsystemc.so, which
// defines main() and needs sc_main. Whichever main() the link picks
// (libsystemc's or gtest_main's), the tests run. Without this, a test links
// only where the linker drops libsystemc as unneeded (-O2 with --as-needed),
// not in a Debug build. Include it in exactly one translation unit per test
// executable (periph_test_util.h and hart_test_util.h already do).
#pragma once

#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
