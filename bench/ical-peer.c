/* SPDX-License-Identifier: MIT */
/*
 * bench/ical-peer.c - libical reading (and rewriting) a calendar file, the
 * peer of `kith sync` on the same file in bench/large-file.sh.
 *
 * Built by that script against libical alone (not part of the meson
 * build: only lib/ical.c includes libical there).
 *
 *   kith-bench-ical-peer stream FILE     icalparser_parse() fed by fgets()
 *   kith-bench-ical-peer string FILE     icalparser_parse_string() on the
 *                                        whole file, as one would write it
 *   kith-bench-ical-peer rewrite FILE    stream, then serialize the
 *                                        calendar to FILE.peer-tmp, fsync,
 *                                        rename over FILE.peer-out
 *
 * Prints the number of VTODOs and bytes of the longest property value, so
 * the script can check that libical read the whole file.
 */
/* fileno() and fsync() are POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libical/ical.h>

static char *line_from_stream(char *s, size_t size, void *d)
{
	return fgets(s, (int)size, (FILE *)d);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static int rewrite(icalcomponent *cal, const char *path)
{
	char tmp[4096], out[4096];
	char *text = icalcomponent_as_ical_string_r(cal);
	size_t len = text ? strlen(text) : 0;
	FILE *f;
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.peer-tmp", path);
	snprintf(out, sizeof(out), "%s.peer-out", path);
	f = text ? fopen(tmp, "wb") : NULL;
	ok = f && fwrite(text, 1, len, f) == len && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (f && fclose(f))
		ok = 0;
	ok = ok && rename(tmp, out) == 0;
	free(text);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	icalcomponent *root = NULL, *cal;
	size_t todos = 0, longest = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s stream|string|rewrite FILE\n", argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "string")) {
		char *text = read_all(argv[2]);

		if (text)
			root = icalparser_parse_string(text);
		free(text);
	} else {
		FILE *f = fopen(argv[2], "rb");
		icalparser *p = icalparser_new();

		if (f && p) {
			icalparser_set_gen_data(p, f);
			root = icalparser_parse(p, line_from_stream);
		}
		if (p)
			icalparser_free(p);
		if (f)
			fclose(f);
	}
	if (!root) {
		fprintf(stderr, "%s: libical could not parse %s\n", argv[0], argv[2]);
		return 1;
	}
	cal = icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT
		      ? root
		      : icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
	for (icalcomponent *c = cal ? icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT)
				    : NULL;
	     c; c = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT)) {
		todos++;
		for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p;
		     p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
			const char *v = icalproperty_get_value_as_string(p);
			size_t n = v ? strlen(v) : 0;

			if (n > longest)
				longest = n;
		}
	}
	if (!strcmp(argv[1], "rewrite") && rewrite(cal, argv[2])) {
		fprintf(stderr, "%s: cannot rewrite %s\n", argv[0], argv[2]);
		icalcomponent_free(root);
		return 1;
	}
	printf("%zu %zu\n", todos, longest);
	icalcomponent_free(root);
	return 0;
}
