/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <termios.h>
#include <unistd.h>

#include "secret.h"

#define MAX_SECRET 4096
#define MAX_ARGS 64

/* volatile: the wipe must not be optimised away. */
static void wipe(void *buf, size_t n)
{
	for (volatile char *p = buf; n--; p++)
		*p = 0;
}

void cli_secret_free(char *secret)
{
	if (!secret)
		return;
	wipe(secret, strlen(secret));
	free(secret);
}

const char *cli_username(const struct cli_config *cfg)
{
	const char *env = getenv("KITH_USERNAME");

	if (env && *env)
		return env;
	return cfg->username;
}

/*
 * Split a command line into words, with '...' and "..." quoting and
 * backslash escapes: enough for "pass show dav/kith", no shell.
 */
static int split_words(char *s, char **argv, int max)
{
	int n = 0;
	char *out = s;

	while (*s) {
		char quote = 0;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (n == max - 1)
			return -1;
		argv[n++] = out;
		while (*s && (quote || (*s != ' ' && *s != '\t'))) {
			if (!quote && (*s == '\'' || *s == '"')) {
				quote = *s++;
			} else if (quote && *s == quote) {
				quote = 0;
				s++;
			} else if (*s == '\\' && s[1] && quote != '\'') {
				*out++ = s[1];
				s += 2;
			} else {
				*out++ = *s++;
			}
		}
		if (quote)
			return -1;
		if (*s)
			s++;
		*out++ = '\0';
	}
	argv[n] = NULL;
	return n;
}

/*
 * A core dump (or a debugger of the same user) of kith would show the
 * password and the copies libcurl makes of it for Basic and Digest, which
 * kith cannot wipe.  So kith makes itself undumpable before it reads a
 * secret, and stays so for the rest of its life: a sync holds the password
 * for most of its run, and libcurl's freed copies linger in the heap after
 * kith's own are wiped.  The zero core limit is inherited by the
 * password_command, which holds the secret too.
 */
static void protect_process(void)
{
	struct rlimit none = { 0, 0 };

#ifdef __linux__
	prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
#endif
	setrlimit(RLIMIT_CORE, &none);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/* The terminal's foreground group is set from the background: SIGTTOU would stop us. */
static void set_foreground(int tty, pid_t pgrp)
{
	struct sigaction ign, old;

	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGTTOU, &ign, &old);
	tcsetpgrp(tty, pgrp);
	sigaction(SIGTTOU, &old, NULL);
}

/*
 * The command runs in a process group of its own, so that a timeout ends
 * it and what it started (gpg, a pinentry).  On a terminal kith owns, that
 * group gets the terminal while it runs: a command that prompts there
 * would otherwise be stopped by SIGTTIN.  Only async-signal-safe calls.
 */
static void run_child(char **argv, int out_fd, int tty)
{
	setpgid(0, 0);
	if (tty >= 0) {
		set_foreground(tty, getpid());
		close(tty);
	}
	dup2(out_fd, STDOUT_FILENO);
	close(out_fd);
	execvp(argv[0], argv);
	_exit(127);
}

/*
 * SIGTERM to the group, half a second to go, then SIGKILL to what is left.
 * The leader is reaped last: until then its pid, the group's id, cannot be
 * reused by another process.
 */
static void stop_group(pid_t pid, int *status)
{
	siginfo_t info;

	kill(-pid, SIGTERM);
	for (int i = 0; i < 50; i++) {
		memset(&info, 0, sizeof(info));
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		    info.si_pid == pid)
			break;
		nap_ms(10);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

/*
 * Read the command's output until it exits or the deadline passes.
 * Returns the bytes read; *timed_out when it was stopped.
 */
static size_t collect(int fd, pid_t pid, long timeout_ms, char *buf, int *status, int *timed_out)
{
	long deadline = now_ms() + timeout_ms;
	size_t len = 0;
	int eof = 0;

	*timed_out = 0;
	for (;;) {
		long left = deadline - now_ms();
		pid_t w;

		if (left <= 0) {
			*timed_out = 1;
			stop_group(pid, status);
			return len;
		}
		if (left > 50)
			left = 50;
		if (!eof && len < MAX_SECRET) {
			struct pollfd pfd = { fd, POLLIN, 0 };

			if (poll(&pfd, 1, (int)left) > 0) {
				ssize_t r = read(fd, buf + len, MAX_SECRET - len);

				if (r > 0)
					len += (size_t)r;
				else if (r == 0 || errno != EINTR)
					eof = 1;
			}
		} else {
			nap_ms(left);
		}
		w = waitpid(pid, status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			break;
	}
	/* Exited: what it wrote is in the pipe, even if a child of its keeps it open. */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	while (!eof && len < MAX_SECRET) {
		ssize_t r = read(fd, buf + len, MAX_SECRET - len);

		if (r <= 0)
			break;
		len += (size_t)r;
	}
	return len;
}

/* Run the command (no shell) and take the first line of its output. */
static int from_command(struct cli *cli, const char *command, int timeout, char **out)
{
	char *copy = strdup(command), *argv[MAX_ARGS], buf[MAX_SECRET + 1];
	int fds[2], status = 0, n, tty, timed_out, rc = EXIT_FAIL;
	size_t len;
	pid_t pid;

	if (!copy) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	n = split_words(copy, argv, MAX_ARGS);
	if (n <= 0) {
		free(copy);
		cli_err(cli, "password_command '%s' is empty or badly quoted", command);
		return EXIT_USAGE;
	}
	if (pipe(fds) < 0) {
		free(copy);
		cli_fail(cli, "cannot run password_command: %s", strerror(errno));
		return EXIT_FAIL;
	}
	/* Hand the terminal over only if it is ours to give: kith in its foreground. */
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty >= 0 && tcgetpgrp(tty) != getpgrp()) {
		close(tty);
		tty = -1;
	}
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		run_child(argv, fds[1], tty);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		if (tty >= 0)
			close(tty);
		cli_fail(cli, "cannot run password_command: %s", strerror(errno));
		free(copy);
		return EXIT_FAIL;
	}
	/* Both sides: the group exists before either goes on. */
	setpgid(pid, pid);
	len = collect(fds[0], pid, (long)timeout * 1000, buf, &status, &timed_out);
	close(fds[0]);
	if (tty >= 0) {
		set_foreground(tty, getpgrp());
		close(tty);
	}
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	/* The command is the user's; its name is fine to show, its output is not. */
	if (timed_out)
		cli_fail(cli,
			 "password_command '%s' did not finish within %d second%s and was stopped "
			 "(set password_timeout in [sync] to wait longer)",
			 argv[0], timeout, timeout == 1 ? "" : "s");
	else if (WIFSIGNALED(status))
		cli_fail(cli, "password_command '%s' was killed by signal %d", argv[0],
			 WTERMSIG(status));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		cli_fail(cli, "password_command '%s' failed (exit status %d)", argv[0],
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (!buf[0])
		/* An empty password would be sent, and refused: accounts get locked for that. */
		cli_fail(cli, "password_command '%s' printed no password", argv[0]);
	else if (!(*out = strdup(buf)))
		cli_fail(cli, "out of memory");
	else
		rc = EXIT_OK;
	wipe(buf, sizeof(buf));
	free(copy);
	return rc;
}

/* Ask on the terminal with echo off. */
static int prompt(struct cli *cli, const char *user, const char *url, char **out)
{
	struct termios old, quiet;
	char buf[MAX_SECRET + 1];
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), restored = 0;
	ssize_t r;
	size_t len = 0;

	*out = NULL;
	if (fd < 0)
		return EXIT_OK;
	dprintf(fd, "Password for %s at %s: ", user ? user : "(no user)", url);
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
		restored = 1;
	}
	while (len < MAX_SECRET && (r = read(fd, buf + len, 1)) == 1 && buf[len] != '\n')
		len++;
	buf[len] = '\0';
	if (restored)
		tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	*out = strdup(buf);
	wipe(buf, sizeof(buf));
	if (!*out) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cli_password(struct cli *cli, const struct cli_config *cfg, const char *user, const char *url,
		 char **out)
{
	const char *env = getenv("KITH_PASSWORD");
	int rc;

	*out = NULL;
	protect_process();
	/* An empty password is never sent: servers count it as a failed login. */
	if (env && *env) {
		*out = strdup(env);
		if (!*out) {
			cli_fail(cli, "out of memory");
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	if (cfg->password_command && *cfg->password_command)
		return from_command(
			cli, cfg->password_command,
			cfg->password_timeout ? cfg->password_timeout : CLI_PASSWORD_TIMEOUT, out);
	if (!user)
		return EXIT_OK;
	rc = prompt(cli, user, url, out);
	if (!rc && !*out) {
		cli_fail(cli, "no password available: set password_command or KITH_PASSWORD");
		return EXIT_FAIL;
	}
	if (!rc && !**out) {
		cli_secret_free(*out);
		*out = NULL;
		cli_fail(cli, "no password given");
		return EXIT_FAIL;
	}
	return rc;
}
