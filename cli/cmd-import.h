/* SPDX-License-Identifier: MIT */
/*
 * cli/cmd-import.h - kith import, and the --vcard half of kith export.
 * See cli/IMPORT-WIRING.md for how main.c and cmd-export.c call these.
 */
#ifndef KITH_CLI_CMD_IMPORT_H
#define KITH_CLI_CMD_IMPORT_H

#include "cli.h"

/* kith import FILE [options]; argv[0] is "import". */
int cmd_import(struct cli *cli, int argc, char **argv);

/*
 * kith export --vcard FILE: every contact as vCard 4.0 into path ('-' is
 * standard output), replaced atomically.  The store must be open.
 * Returns an exit code.
 */
int cli_export_vcard(struct cli *cli, const char *path);

#endif
