#pragma once

// Test support, linked into calc_test only: counts the allocations the whole test program makes
// through operator new, so that a test can show that a piece of code makes none. The replacement
// operators live in their own translation unit so that the compiler cannot inline them into the
// code under test.

namespace aliquot::calc {

// Allocations made through operator new (all forms but the aligned ones) since the program
// started.
long allocation_count();

}  // namespace aliquot::calc
