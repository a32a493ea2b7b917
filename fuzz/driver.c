/* SPDX-License-Identifier: MIT */
/*
 * Runs a fuzz target over every file of its corpus directories, so the
 * corpus (seeds and every crash ever found) is an ordinary test:
 *     fuzz-vcard-corpus fuzz/corpus/vcard
 * A crash or a failed check aborts, and the test fails.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (n == cap) {
			unsigned char *p;

			cap = cap ? cap * 2 : 4096;
			p = realloc(data, cap);
			if (!p) {
				fclose(f);
				free(data);
				return -1;
			}
			data = p;
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	long runs = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
			failed += run_file(argv[i]) != 0;
			runs++;
			continue;
		}
		d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			return 1;
		}
		while ((e = readdir(d)) != NULL) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
				continue;
			failed += run_file(path) != 0;
			runs++;
		}
		closedir(d);
	}
	printf("%ld passed, %ld failed\n", runs - failed, failed);
	return failed || runs == 0;
}
