/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-import.h - kith import.
 */
#ifndef KITH_CLI_CMD_IMPORT_H
#define KITH_CLI_CMD_IMPORT_H

#include "cli.h"

/* kith import FILE [options]; argv[0] is "import". */
int cmd_import(struct cli *cli, int argc, char **argv);

#endif
