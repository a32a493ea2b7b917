/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "secret.h"

#define MAX_SECRET 4096
#define MAX_ARGS 64

void cli_secret_free(char *secret)
{
	if (!secret)
		return;
	/* volatile: the wipe must not be optimised away. */
	for (volatile char *p = secret; *p; p++)
		*p = 0;
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

/* Run the command (no shell) and take the first line of its output. */
static int from_command(struct cli *cli, const char *command, char **out)
{
	char *copy = strdup(command), *argv[MAX_ARGS], buf[MAX_SECRET + 1];
	int fds[2], status, n;
	size_t len = 0;
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
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		close(fds[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	free(copy);
	if (pid < 0) {
		close(fds[0]);
		cli_fail(cli, "cannot run password_command: %s", strerror(errno));
		return EXIT_FAIL;
	}
	for (;;) {
		ssize_t r = read(fds[0], buf + len, MAX_SECRET - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == MAX_SECRET)
			break;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	buf[len] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		memset(buf, 0, sizeof(buf));
		/* The command is the user's; its name is fine to show, its output is not. */
		cli_fail(cli, "password_command '%s' failed (exit status %d)", argv[0],
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return EXIT_FAIL;
	}
	*out = strdup(buf);
	memset(buf, 0, sizeof(buf));
	if (!*out) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	return EXIT_OK;
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
	memset(buf, 0, sizeof(buf));
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

	*out = NULL;
	if (env) {
		*out = strdup(env);
		if (!*out) {
			cli_fail(cli, "out of memory");
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	if (cfg->password_command && *cfg->password_command)
		return from_command(cli, cfg->password_command, out);
	if (!user)
		return EXIT_OK;
	return prompt(cli, user, url, out);
}
