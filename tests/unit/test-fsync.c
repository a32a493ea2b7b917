/* SPDX-License-Identifier: MIT */
/*
 * A failed fsync is reported, never taken for a durable write: of a file
 * written whole (kith/file.h), of its directory after the rename, and of
 * a vdir's directory at flush.  fsync() is wrapped (-Wl,--wrap=fsync):
 * the Nth call from now fails with EIO.
 */
#include "helpers.h"

#include <errno.h>
#include <sys/stat.h>

#include "target.h"

int __real_fsync(int fd);
int __wrap_fsync(int fd);

static int fail_in; /* 0: never; N: the Nth call from now fails */

int __wrap_fsync(int fd)
{
	if (fail_in > 0 && --fail_in == 0) {
		errno = EIO;
		return -1;
	}
	return __real_fsync(fd);
}

static void test_file_fsync_failure_is_an_error(void **state)
{
	char *dir = make_tmpdir(), *path = path_join(dir, "out.ics");
	struct kith_ctx *ctx;
	struct stat st;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	fail_in = 1; /* the temporary file's */
	assert_status(kith_file_write_atomic(ctx, path, "x", 1), KITH_ERR_IO);
	assert_contains(kith_ctx_errmsg(ctx), "fsync");
	assert_contains(kith_ctx_errmsg(ctx), "Input/output error");
	/* Nothing was put in place. */
	assert_int_equal(stat(path, &st), -1);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

static void test_directory_fsync_failure_is_an_error(void **state)
{
	char *dir = make_tmpdir(), *path = path_join(dir, "out.ics");
	struct kith_ctx *ctx;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	fail_in = 2; /* the directory's, after the rename */
	assert_status(kith_file_write_atomic(ctx, path, "x", 1), KITH_ERR_IO);
	assert_contains(kith_ctx_errmsg(ctx), "cannot make");
	assert_contains(kith_ctx_errmsg(ctx), "durable");
	fail_in = 0;
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

static void test_vdir_flush_reports_a_failed_directory_fsync(void **state)
{
	char *dir = make_tmpdir(), *vdir = path_join(dir, "cal/");
	struct kith_ctx *ctx;
	struct kith_target *t = NULL;
	char *tag = NULL;

	(void)state;
	assert_int_equal(mkdir(vdir, 0700), 0);
	assert_ok(kith_ctx_new(&ctx));
	assert_ok(kith_target_open(ctx, vdir, &t));
	assert_ok(t->ops->put(t, "a.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", 31, NULL, &tag));
	free(tag);
	fail_in = 1; /* the directory's, at flush */
	assert_status(t->ops->flush(t), KITH_ERR_IO);
	assert_contains(kith_ctx_errmsg(ctx), "durable");
	fail_in = 0;
	/* Still dirty: the next flush tries again, and succeeds. */
	assert_ok(t->ops->flush(t));
	kith_target_free(t);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(vdir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_fsync_failure_is_an_error),
		cmocka_unit_test(test_directory_fsync_failure_is_an_error),
		cmocka_unit_test(test_vdir_flush_reports_a_failed_directory_fsync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
