/* SPDX-License-Identifier: MIT */
/* The libFuzzer entry point each fuzz-*.c defines; driver.c calls it on a corpus. */
#ifndef KITH_FUZZ_H
#define KITH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
