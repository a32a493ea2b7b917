/* SPDX-License-Identifier: MIT */
/*
 * bench/scan-floor.c - the floor of a header scan: read the header bytes
 * of every message and nothing else, with no library beyond libc.
 * Compiled by bench/scan.sh (outside the meson build).
 *
 *     kith-bench-scan-floor maildir DIR   every file in DIR's cur/ and new/
 *                                         folders, read up to its blank line
 *     kith-bench-scan-floor mbox FILE     the whole file (the separators are
 *                                         only found by reading it), each
 *                                         message's header counted
 *
 * Prints "MESSAGES HEADER-BYTES".  A header is read in 4 KiB pieces and
 * the file closed at its first blank line, so a Maildir's bodies are
 * never read; an mbox is read in 1 MiB pieces.
 */
/* d_type is a BSD and GNU extension. */
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long messages, header_bytes;

static void header_of(const char *path)
{
	char buf[4096 + 1];
	unsigned long n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), prev_nl = 1;
	ssize_t got;

	if (fd < 0) {
		perror(path);
		return;
	}
	while ((got = read(fd, buf, sizeof(buf) - 1)) > 0) {
		ssize_t i;

		for (i = 0; i < got; i++) {
			if (buf[i] == '\n') {
				if (prev_nl)
					goto done;
				prev_nl = 1;
			} else if (buf[i] != '\r') {
				prev_nl = 0;
			}
		}
		n += (unsigned long)got;
		continue;
	done:
		n += (unsigned long)i;
		break;
	}
	close(fd);
	messages++;
	header_bytes += n;
}

static void walk(const char *dir, int in_mail_sub)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		perror(dir);
		return;
	}
	while ((e = readdir(d))) {
		char path[4096];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (in_mail_sub) {
			if (e->d_type == DT_REG || (e->d_type == DT_UNKNOWN &&
						    stat(path, &st) == 0 && S_ISREG(st.st_mode)))
				header_of(path);
			continue;
		}
		if (e->d_type != DT_DIR &&
		    !(e->d_type == DT_UNKNOWN && stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
			continue;
		if (!strcmp(e->d_name, "tmp"))
			continue;
		walk(path, !strcmp(e->d_name, "cur") || !strcmp(e->d_name, "new"));
	}
	closedir(d);
}

/* An mbox: a "From " line after a blank line (or at the start) opens a header. */
static void mbox(const char *path)
{
	enum { SIZE = 1 << 20 };
	char *buf = malloc(SIZE);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int at_line_start = 1, blank_before = 1, in_header = 0, line_empty = 1;
	size_t carry = 0; /* bytes of a possible "From " kept from the last piece */
	ssize_t got;

	if (!buf || fd < 0) {
		perror(path);
		exit(1);
	}
	while ((got = read(fd, buf + carry, SIZE - carry)) > 0) {
		size_t len = carry + (size_t)got, i = 0;

		carry = 0;
		while (i < len) {
			if (at_line_start) {
				if (len - i < 5) { /* too short to tell: keep for the next piece */
					memmove(buf, buf + i, len - i);
					carry = len - i;
					break;
				}
				if (blank_before && !memcmp(buf + i, "From ", 5)) {
					messages++;
					in_header = 1;
				}
				at_line_start = 0;
				line_empty = 1;
			}
			if (in_header) {
				char *nl = memchr(buf + i, '\n', len - i);
				size_t end = nl ? (size_t)(nl - buf) : len;

				if (end > i && !(end == i + 1 && buf[i] == '\r'))
					line_empty = 0;
				header_bytes += end - i + (nl != NULL);
				i = end + (nl != NULL);
				if (nl) {
					if (line_empty)
						in_header = 0;
					blank_before = line_empty;
					at_line_start = 1;
				}
			} else {
				char *nl = memchr(buf + i, '\n', len - i);

				if (!nl) {
					if (len > i)
						line_empty = 0;
					i = len;
					break;
				}
				if ((size_t)(nl - buf) > i &&
				    !(nl - buf == (long)i + 1 && buf[i] == '\r'))
					line_empty = 0;
				blank_before = line_empty;
				at_line_start = 1;
				i = (size_t)(nl - buf) + 1;
			}
		}
	}
	close(fd);
	free(buf);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "maildir") && strcmp(argv[1], "mbox"))) {
		fprintf(stderr, "usage: %s maildir DIR | mbox FILE\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "maildir"))
		walk(argv[2], 0);
	else
		mbox(argv[2]);
	printf("%lu %lu\n", messages, header_bytes);
	return 0;
}
