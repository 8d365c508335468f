/*
 * paths.c — sources as paths the user can open, and back (cli.h).
 *
 * The index names a file by its path inside the corpus folder, and
 * records the folder's absolute path when it is built.  Printed, a source
 * becomes that folder's path relative to the current directory when the
 * folder is under it ("corpus/001_x.txt"), else absolute; the paths the
 * user types back (`dealsearch show corpus/001_x.txt 5`) are mapped to
 * source names through the same folder.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The part of `path` below the folder `dir` (after its '/'), or NULL. */
static const char *below(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 0 && dir[n - 1] == '/') n--; /* "/" is the empty prefix */
    if (strncmp(path, dir, n) != 0 || path[n] != '/') return NULL;
    return path + n + 1;
}

char *cli_path_base(const char *folder)
{
    char cwd[PATH_MAX];
    size_t len = strlen(folder);
    const char *slash = len && folder[len - 1] == '/' ? "" : "/";
    if (!getcwd(cwd, sizeof cwd)) return cli_concat(folder, slash);
    if (strcmp(folder, cwd) == 0) return cli_concat("", "");
    const char *rest = below(folder, cwd);
    if (rest && *rest) return cli_concat(rest, slash);
    return cli_concat(folder, slash);
}

char *cli_source_name(const char *arg, const char *folder)
{
    char real[PATH_MAX];
    const char *rest =
        folder && realpath(arg, real) ? below(real, folder) : NULL;
    return cli_concat(rest && *rest ? rest : arg, "");
}
