/* SPDX-License-Identifier: MIT */
/*
 * Opening targets and what they share: the public atomic file writer
 * (kith/file.h), and the server-only calls on a local target.
 */
#include "helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>

#include "target.h"

/* Entries in dir other than "." and "..". */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void assert_file_is(const char *path, const char *want)
{
	char buf[256];
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_file_write_atomic_new_file_is_private(void **state)
{
	char *dir = make_tmpdir(), *path = path_join(dir, "out.ics");
	struct kith_ctx *ctx;
	struct stat st;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_ok(kith_file_write_atomic(ctx, path, "hello\n", 6));
	assert_file_is(path, "hello\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* The temporary file is gone: the directory holds just the result. */
	assert_int_equal(count_entries(dir), 1);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

static void test_file_write_atomic_replacing_keeps_the_mode(void **state)
{
	char *dir = make_tmpdir(), *path = path_join(dir, "out.json");
	struct kith_ctx *ctx;
	struct stat st;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_ok(kith_file_write_atomic(ctx, path, "old", 3));
	assert_int_equal(chmod(path, 0640), 0);
	assert_ok(kith_file_write_atomic(ctx, path, "new", 3));
	assert_file_is(path, "new");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(count_entries(dir), 1);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

static void test_file_write_atomic_missing_directory_fails(void **state)
{
	char *dir = make_tmpdir(), *path = path_join(dir, "missing/out.ics");
	struct kith_ctx *ctx;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_status(kith_file_write_atomic(ctx, path, "x", 1), KITH_ERR_IO);
	assert_contains(kith_ctx_errmsg(ctx), "cannot write");
	assert_contains(kith_ctx_errmsg(ctx), path);
	assert_int_equal(count_entries(dir), 0);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

static void test_file_write_atomic_writes_through_a_symlink(void **state)
{
	char *dir = make_tmpdir(), *file = path_join(dir, "real.ics"),
	     *link = path_join(dir, "link.ics");
	struct kith_ctx *ctx;
	struct stat st;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_ok(kith_file_write_atomic(ctx, file, "old", 3));
	assert_int_equal(symlink("real.ics", link), 0);
	assert_ok(kith_file_write_atomic(ctx, link, "new", 3));
	/* The link is still a link, and its file has the new bytes. */
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_file_is(file, "new");
	assert_int_equal(count_entries(dir), 2);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(link);
	free(file);
	free(dir);
}

struct fifo_reader {
	const char *path;
	char got[64];
};

static void *read_fifo(void *arg)
{
	struct fifo_reader *r = arg;
	int fd = open(r->path, O_RDONLY);
	size_t n = 0;
	ssize_t k;

	if (fd < 0)
		return NULL;
	while (n < sizeof(r->got) - 1 && (k = read(fd, r->got + n, sizeof(r->got) - 1 - n)) > 0)
		n += (size_t)k;
	r->got[n] = '\0';
	close(fd);
	return NULL;
}

/* Like /dev/null or /dev/stdout: written to, never replaced by a regular file. */
static void test_file_write_atomic_streams_to_a_fifo(void **state)
{
	char *dir = make_tmpdir(), *path = path_join(dir, "pipe");
	struct fifo_reader r = { path, "" };
	struct kith_ctx *ctx;
	struct stat st;
	pthread_t t;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(pthread_create(&t, NULL, read_fifo, &r), 0);
	assert_ok(kith_file_write_atomic(ctx, path, "streamed", 8));
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_string_equal(r.got, "streamed");
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(count_entries(dir), 1);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

static void test_file_write_atomic_refuses_a_directory(void **state)
{
	char *dir = make_tmpdir(), *path = path_join(dir, "sub");
	struct kith_ctx *ctx;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_int_equal(mkdir(path, 0700), 0);
	assert_status(kith_file_write_atomic(ctx, path, "x", 1), KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(ctx), "a directory, not a regular file");
	assert_contains(kith_ctx_errmsg(ctx), path);
	assert_int_equal(count_entries(dir), 1);
	assert_int_equal(count_entries(path), 0);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

/* kith calendars and kith check ask a server; a local target says it is none. */
static void check_not_a_server(const char *name)
{
	char *dir = make_tmpdir(), *url = path_join(dir, name);
	struct kith_ctx *ctx;
	struct kith_target *t = NULL;
	struct kith_calendar *list = NULL;
	struct kith_server_check chk;
	size_t n = 0;

	assert_ok(kith_ctx_new(&ctx));
	assert_ok(kith_target_open(ctx, url, &t));
	assert_int_equal(kith_target_request_count(t), 0);
	assert_status(kith_target_calendars(t, &list, &n), KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(ctx), "is not a CalDAV server");
	assert_null(list);
	assert_int_equal(n, 0);
	memset(&chk, 0, sizeof(chk));
	assert_status(kith_target_check(t, &chk), KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(ctx), "is not a CalDAV server");
	assert_null(chk.calendar);
	kith_target_free(t);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(url);
	free(dir);
}

static void test_target_file_is_not_a_server(void **state)
{
	(void)state;
	check_not_a_server("reminders.ics");
}

static void test_target_vdir_is_not_a_server(void **state)
{
	(void)state;
	check_not_a_server("vdir/");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_write_atomic_new_file_is_private),
		cmocka_unit_test(test_file_write_atomic_replacing_keeps_the_mode),
		cmocka_unit_test(test_file_write_atomic_missing_directory_fails),
		cmocka_unit_test(test_file_write_atomic_writes_through_a_symlink),
		cmocka_unit_test(test_file_write_atomic_streams_to_a_fifo),
		cmocka_unit_test(test_file_write_atomic_refuses_a_directory),
		cmocka_unit_test(test_target_file_is_not_a_server),
		cmocka_unit_test(test_target_vdir_is_not_a_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
